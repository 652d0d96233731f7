#pragma once

#include <QDialog>

namespace roomrec {

// Help > About RoomRec: the version, the Qt and FFmpeg this copy runs with (and the licence
// FFmpeg was built under, which decides what a bundle may be distributed as), and the
// third-party notice that the installers ship.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);

    // The version lines shown in the dialog, e.g. "Qt 6.4.2 (built with 6.4.2)".
    static QString versionsText();
    // The third-party notice compiled into the app (THIRD-PARTY-NOTICES.md), as Markdown.
    static QString thirdPartyNotice();
};

} // namespace roomrec
