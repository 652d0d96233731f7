#include "videopreview.h"

#include <QPainter>

namespace roomrec {

VideoPreview::VideoPreview(QWidget *parent) : QWidget(parent)
{
    setMinimumSize(240, 135);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void VideoPreview::setCaption(const QString &caption)
{
    m_caption = caption;
    setAccessibleDescription(caption);
    update();
}

void VideoPreview::showImage(const QImage &image)
{
    m_image = image;
    ++m_frames;
    update();
}

void VideoPreview::clear()
{
    m_image = {};
    update();
}

void VideoPreview::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Shadow));
    if (!m_image.isNull()) {
        const QSize scaled = m_image.size().scaled(size(), Qt::KeepAspectRatio);
        const QRect target(QPoint((width() - scaled.width()) / 2, (height() - scaled.height()) / 2), scaled);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(target, m_image);
    } else {
        p.setPen(palette().color(QPalette::BrightText));
        p.drawText(rect(), Qt::AlignCenter, tr("No picture yet"));
    }
    if (!m_caption.isEmpty()) {
        const QRect band(0, height() - fontMetrics().height() - 8, width(), fontMetrics().height() + 8);
        p.fillRect(band, QColor(0, 0, 0, 150));
        p.setPen(Qt::white);
        p.drawText(band.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft, m_caption);
    }
}

} // namespace roomrec
