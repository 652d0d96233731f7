#pragma once

#include "common/result.h"

#include <QObject>

namespace roomrec {

// A source of raw audio: interleaved signed 16-bit samples at sampleRate()/channels().
class AudioSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString description() const = 0;
    virtual bool isTestSource() const = 0;
    virtual int sampleRate() const = 0;
    virtual int channels() const = 0;
    virtual Status start() = 0;
    virtual void stop() = 0;

signals:
    // captureUs is the capture time of the first sample in the block.
    void samplesCaptured(const qint16 *interleaved, int frameCount, qint64 captureUs);
    void errorOccurred(int code, const QString &message);
};

} // namespace roomrec
