#include "common/logging.h"

Q_LOGGING_CATEGORY(lcProtocol, "roomrec.protocol", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMedia, "roomrec.media", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClient, "roomrec.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRecording, "roomrec.recording", QtInfoMsg)
Q_LOGGING_CATEGORY(lcLibrary, "roomrec.library", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServer, "roomrec.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "roomrec.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "roomrec.ui", QtInfoMsg)
