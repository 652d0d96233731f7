#pragma once

#include "common/result.h"

#include <QCborMap>

namespace roomrec {

// What a publisher announces about an encoded stream, enough for the server to mux it.
struct VideoParams {
    QString codec = QStringLiteral("h264");
    int width = 0;
    int height = 0;
    int frameRateNum = 30;
    int frameRateDen = 1;
    QByteArray extradata; // SPS/PPS (Annex B or avcC)

    QCborMap toCbor() const;
    static Result<VideoParams> fromCbor(const QCborMap &map);
};

struct AudioParams {
    QString codec = QStringLiteral("aac");
    int sampleRate = 48000;
    int channels = 2;
    QByteArray extradata; // AudioSpecificConfig

    QCborMap toCbor() const;
    static Result<AudioParams> fromCbor(const QCborMap &map);
};

} // namespace roomrec
