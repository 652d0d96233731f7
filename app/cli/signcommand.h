#pragma once

#include <QStringList>

// roomrec-cli sign --secret-file F --user ID [--expires-in S] [--privileges create,join,publish,record]
class SignCommand {
public:
    static int run(const QStringList &arguments);
};
