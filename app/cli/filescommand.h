#pragma once

#include <QStringList>

// roomrec-cli files show ID | files list [--name N] [--tag T] [--class-id N] |
// result --relation-id N --room-id N (the last recording's file IDs, e.g. after an idle end).
class FilesCommand {
public:
    static int run(const QStringList &arguments);
};
