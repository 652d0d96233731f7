#pragma once

#include "server/roomserver.h"

#include <memory>

// Test support: a RoomServer in this process on a free loopback port, data in dataDir.
std::unique_ptr<roomrec::RoomServer> startTestServer(const QString &dataDir, roomrec::ServerConfig config = {});
