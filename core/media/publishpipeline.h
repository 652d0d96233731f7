#pragma once

#include "media/aacencoder.h"
#include "media/audiosource.h"
#include "media/echocanceller.h"
#include "media/framegrid.h"
#include "media/h264encoder.h"
#include "media/previewconverter.h"
#include "media/videosource.h"
#include "protocol/mediapacket.h"
#include "protocol/streamparams.h"

#include <QElapsedTimer>
#include <QImage>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace roomrec {

struct PublishStats {
    double captureFps = 0;
    double encodeFps = 0;
    double bitrateKbps = 0;
    qint64 droppedFrames = 0;  // total since start
    double encodeMsPerFrame = 0;
    qint64 framesSent = 0;     // total video packets since start
    qint64 framesRepeated = 0; // grid slots filled with the previous picture (source late)
    qint64 framesDroppedOnGrid = 0; // frames that arrived for a slot already filled
    qint64 echoFramesCancelled = 0; // 10 ms microphone frames run through the echo canceller
    qint64 echoFramesBypassed = 0;  // ... passed unchanged (no remote audio playing)
};

// One published stream: a video source (+ audio for the camera) encoded to H.264/AAC.
// Lives in a worker thread (PipelineThread, or StreamWorker in the desktop app) so capture
// and encoding never block the GUI; everything leaves through queued signals.
// Capture (and preview) and encoding are separate: the desktop app previews the camera
// without encoding anything, and encodes only while publishing (setEncoding()). Encoded
// video timestamps sit on a constant frame grid (FrameGrid).
class PublishPipeline : public QObject {
    Q_OBJECT
public:
    PublishPipeline(std::unique_ptr<VideoSource> video, std::unique_ptr<AudioSource> audio, Track videoTrack,
                    const VideoEncoderSettings &videoSettings, const AudioEncoderSettings &audioSettings = {});
    ~PublishPipeline() override;

    // Opens the encoders and turns encoding on; afterwards videoParams()/audioParams()
    // describe the stream. (In the pipeline's thread once start() ran.)
    Status open();
    // On: open the encoders (if closed) and start the audio source; off: flush what the
    // encoders hold (packets still leave), close them and stop the audio source, keeping
    // the video capture and its preview. In the pipeline's thread.
    Status setEncoding(bool on);
    bool isEncoding() const { return m_encoding; }
    VideoParams videoParams() const;
    std::optional<AudioParams> audioParams() const;
    Track videoTrack() const { return m_track; }
    QString videoDescription() const { return m_video->description(); }
    bool isTestSource() const { return m_video->isTestSource(); }
    QString encoderName() const { return m_videoEncoder ? m_videoEncoder->encoderName() : QString(); }

    // The user's camera off / mic off: the source is stopped (the device is closed, nothing
    // is captured) and nothing of it is encoded or sent until it is turned on again; the
    // other source and encoding go on. May be set before start(). In the pipeline's thread.
    void setVideoMuted(bool muted);
    void setAudioMuted(bool muted);
    bool isVideoMuted() const { return m_videoMuted; }
    bool isAudioMuted() const { return m_audioMuted; }

    // Thread-safe: the next captured frame is encoded as an IDR.
    void requestKeyFrame() { m_keyFrameRequested = true; }
    // What the speakers play (AudioPlayout pushes it): when set, and this build has
    // webrtc-audio-processing, the microphone's sound is echo-cancelled against it before the
    // AAC encoder. Before open()/setEncoding(true).
    void setEchoReference(std::shared_ptr<FarEndReference> reference) { m_echoReference = std::move(reference); }

    // Thread-safe: previews cost a conversion per emitted image; off unless someone looks.
    void setPreviewEnabled(bool enabled) { m_previewEnabled = enabled; }

public slots:
    void start();
    void stop();

signals:
    void packetReady(const roomrec::MediaPacket &packet);
    void previewReady(const QImage &image);
    void statsUpdated(const roomrec::PublishStats &stats);
    void errorOccurred(int code, const QString &message);
    void stopped();

private:
    void onFrame(AVFrame *frame, qint64 captureUs);
    void onSamples(const qint16 *samples, int count, qint64 captureUs);
    bool echoCancellerReady();
    void emitPackets(const Result<QList<MediaPacket>> &packets);
    void encodeOnGrid(AVFrame *frame, qint64 captureUs);
    void flushEncoders();
    void publishStats();
    Status updateVideoCapture(); // starts or stops the video source as running/muted say
    void updateAudioCapture();   // the same for the microphone (also needs encoding)

    std::unique_ptr<VideoSource> m_video;
    std::unique_ptr<AudioSource> m_audio;
    Track m_track;
    VideoEncoderSettings m_videoSettings;
    AudioEncoderSettings m_audioSettings;
    std::optional<H264Encoder> m_videoEncoder; // open only while encoding
    std::optional<AacEncoder> m_audioEncoder;
    std::shared_ptr<FarEndReference> m_echoReference;
    std::unique_ptr<EchoCanceller> m_echoCanceller; // while encoding, with a reference
    bool m_echoFailed = false; // until encoding restarts
    PreviewConverter m_preview;
    std::atomic<bool> m_keyFrameRequested{false};
    std::atomic<bool> m_previewEnabled{false};
    bool m_running = false;
    bool m_encoding = false;
    bool m_videoMuted = false;
    bool m_audioMuted = false;
    bool m_videoCapturing = false;
    bool m_audioCapturing = false;
    FrameGrid m_grid;

    QTimer m_statsTimer{this};
    QElapsedTimer m_statsClock;
    PublishStats m_stats;
    qint64 m_intervalFrames = 0, m_intervalBytes = 0, m_intervalEncodeNs = 0, m_intervalCaptured = 0;
    qint64 m_frameCounter = 0;
};

} // namespace roomrec

Q_DECLARE_METATYPE(roomrec::MediaPacket)
Q_DECLARE_METATYPE(roomrec::PublishStats)
