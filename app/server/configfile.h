#pragma once

#include "common/result.h"

#include <QHash>
#include <QStringList>

// roomrec-server --config FILE. One setting per line, named like the long command-line
// option without its dashes: "listen = 127.0.0.1:7707". Blank lines and lines starting
// with '#' are ignored; a switch (an option without a value) takes true or false.
// The settings become command-line arguments, so the file and the command line share one
// parser and one set of checks.
class ConfigFile {
public:
    // `options`: option name -> whether it takes a value. Unknown names, a bad switch value
    // or an unreadable file are errors that name the file and line.
    // `fileOnly`: settings that are not command-line options (secrets: other users can read a
    // process's arguments); their values go to `fileOnlyValues`, never into the arguments.
    static roomrec::Result<QStringList> arguments(const QString &path, const QHash<QString, bool> &options,
                                                  const QStringList &fileOnly = {},
                                                  QHash<QString, QString> *fileOnlyValues = nullptr);
};
