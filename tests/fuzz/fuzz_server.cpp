// libFuzzer target: a real RoomServer in this process, driven over loopback. Every input is a
// server script (tests/support/serverscript.h): hello -> signIn -> createRoom -> publish ->
// startRecording done right, then media and requests the input decides (sizes, timestamps,
// flags, tracks, stream parameters, re-publish, stop/start, raw bytes), then stop, finish,
// post-process and delete. Built with -DROOMREC_FUZZ=ON (clang, ASan + UBSan everywhere);
// run: scripts/fuzz.sh, or build/fuzz/tests/fuzz/fuzz_server tests/corpus/server
// The corpus also runs as a normal test: tst_server_corpus.
#include "serverscript.h"

#include "server/roomserver.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>

extern "C" {
#include <libavutil/log.h>
}

namespace {
QCoreApplication *g_app = nullptr;
QTemporaryDir *g_dir = nullptr;
roomrec::RoomServer *g_server = nullptr;
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_app = new QCoreApplication(*argc, *argv);
    // The server logs every connection and file; at fuzzing speed that is only noise.
    if (!qEnvironmentVariableIsSet("ROOMREC_FUZZ_VERBOSE")) {
        QLoggingCategory::setFilterRules(QStringLiteral("roomrec.*.info=false\nroomrec.*.warning=false\nroomrec.*.debug=false"));
        av_log_set_level(AV_LOG_QUIET);
    }
    // In memory when there is a tmpfs: the server syncs every file it finishes, and the disk
    // would set the pace of the fuzzer.
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    g_dir = shm.isDir() && shm.isWritable() ? new QTemporaryDir(QStringLiteral("/dev/shm/fuzz_server-XXXXXX")) : new QTemporaryDir();
    if (!g_dir->isValid()) {
        std::fprintf(stderr, "fuzz_server: no temporary folder\n");
        std::abort();
    }
    g_server = new roomrec::RoomServer(ServerScript::serverConfig(g_dir->path()));
    if (roomrec::Status s = g_server->start(); !s) {
        std::fprintf(stderr, "fuzz_server: %s\n", qPrintable(s.error().toString()));
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray script(reinterpret_cast<const char *>(data), qsizetype(size));
    const ServerScriptReport report = ServerScript::run(*g_server, script, [](const ServerScriptReport &r) {
        // Stopped, finished and post-processed: nothing may still be recording or busy.
        for (const roomrec::FileRecord &file : r.files) {
            if (file.state == roomrec::FileRecord::State::Recording) {
                std::fprintf(stderr, "fuzz_server: file %llu still 'recording' after stop\n", static_cast<unsigned long long>(file.id));
                std::abort();
            }
        }
    });
    // The prologue is always valid and the server must answer; anything else is a bug (a hang,
    // a lost connection, a file that cannot be deleted).
    if (!report.failure.isEmpty()) {
        std::fprintf(stderr, "fuzz_server: %s\n", qPrintable(report.failure));
        std::abort();
    }
    return 0;
}
