#pragma once

#include "common/result.h"

#include <QObject>
#include <QSize>

extern "C" {
#include <libavutil/frame.h>
}

namespace roomrec {

// A source of raw video frames (camera, screen, test pattern). Frames are delivered in
// the source's thread through frameCaptured(); the AVFrame is only valid during the call
// (sources reuse their buffers), so a consumer that keeps it must copy or ref it.
class VideoSource : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString description() const = 0; // shown in the UI, e.g. "Test pattern (no camera)"
    virtual bool isTestSource() const = 0;
    virtual QSize frameSize() const = 0;
    virtual int frameRate() const = 0;
    virtual Status start() = 0;
    virtual void stop() = 0;

signals:
    void frameCaptured(AVFrame *frame, qint64 captureUs); // consumers may set pts/pict_type
    // Frames the source had to skip because the consumer fell behind.
    void framesDropped(int count);
    void errorOccurred(int code, const QString &message);
};

} // namespace roomrec
