#pragma once

#include "server/roomserver.h"

// Test support: RoomServer's asynchronous calls (their answers wait for the catalogue's
// thread), made and waited for by running the event loop, as a backend's request would be.
// An answer that never comes is an error after timeoutMs, not a hang.
class ServerCalls {
public:
    static roomrec::Status deleteFile(roomrec::RoomServer &server, quint64 fileId, int timeoutMs = 30'000);
    static roomrec::Result<quint64> startRecordingFor(roomrec::RoomServer &server, const QString &userId,
                                                      const roomrec::RoomInfo &room, const roomrec::RecordParam &param,
                                                      int timeoutMs = 30'000);
};
