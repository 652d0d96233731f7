#include "aboutdialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

namespace roomrec {

namespace {
QString libVersion(unsigned v)
{
    return QStringLiteral("%1.%2.%3").arg(AV_VERSION_MAJOR(v)).arg(AV_VERSION_MINOR(v)).arg(AV_VERSION_MICRO(v));
}
} // namespace

QString AboutDialog::versionsText()
{
    // Run-time versions: an installed copy may run on a newer Qt or FFmpeg than it was built with.
    return QStringLiteral("RoomRec %1 (%2)\nQt %3 (built with %4)\nFFmpeg %5: libavcodec %6, libavformat %7, libavutil %8\n")
               .arg(QStringLiteral(ROOMREC_VERSION), QStringLiteral(ROOMREC_APP_ID), QString::fromLatin1(qVersion()),
                    QStringLiteral(QT_VERSION_STR), QString::fromLatin1(av_version_info()), libVersion(avcodec_version()),
                    libVersion(avformat_version()), libVersion(avutil_version()))
        + tr("FFmpeg licence: %1").arg(QString::fromLatin1(avcodec_license()));
}

QString AboutDialog::thirdPartyNotice()
{
    QFile file(QStringLiteral(":/legal/THIRD-PARTY-NOTICES.md"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About RoomRec"));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<h2>RoomRec %1</h2>").arg(QStringLiteral(ROOMREC_VERSION)), this);
    auto *summary = new QLabel(tr("Hosts live audio/video rooms and records them to MP4.") + QStringLiteral("\n\n") + versionsText()
                                   + QStringLiteral("\n\n")
                                   + tr("RoomRec is free software: you can redistribute it and/or modify it under the terms of the "
                                        "GNU General Public License, version 3 or (at your option) any later version."),
                               this);
    summary->setWordWrap(true);
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *notice = new QTextBrowser(this);
    notice->setObjectName(QStringLiteral("thirdPartyNotice"));
    notice->setOpenExternalLinks(true);
    notice->setMarkdown(thirdPartyNotice());
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *aboutQt = buttons->addButton(tr("About Qt"), QDialogButtonBox::HelpRole);
    connect(aboutQt, &QPushButton::clicked, this, [this] { QMessageBox::aboutQt(this); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(title);
    layout->addWidget(summary);
    layout->addWidget(new QLabel(tr("Third-party software:"), this));
    layout->addWidget(notice, 1);
    layout->addWidget(buttons);
    resize(640, 560);
}

} // namespace roomrec
