#pragma once

#include "protocol/roominfo.h"

#include <QString>

namespace roomrec {

struct MainWindowOptions {
    QString dataDir;       // embedded server's recordings and catalogue
    QString serverAddress; // empty: host on this computer (the default)
    QString userId;        // empty: from the system user name
    QString signature;
    RoomInfo room{1, 1};
    bool autoStart = true; // host/connect, join and publish as soon as the window opens
};

} // namespace roomrec
