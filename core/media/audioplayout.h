#pragma once

#include "media/audiomixer.h"
#include "media/farendreference.h"

#include <QAudioDevice>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

class QAudioSink;
class QIODevice;

namespace roomrec {

// Plays an AudioMixer's output: through QAudioSink on the chosen output device, or, on a
// machine without one (or when asked), through a test sink that consumes the mix at the
// real-time rate and counts it, labelled as such, so everything runs headless. Lives in
// whatever thread it is moved to (never needs the GUI thread).
class AudioPlayout : public QObject {
    Q_OBJECT
public:
    // device: a null QAudioDevice picks the default output, else the test sink.
    AudioPlayout(AudioMixer &mixer, QAudioDevice device = {}, bool forceTestSink = false, QObject *parent = nullptr);
    ~AudioPlayout() override;

    static QList<QAudioDevice> devices();
    QString description() const; // the device's name, or "Test sink (no speakers)"
    bool isTestSink() const { return m_testSink; }
    qint64 framesPlayed() const { return m_framesPlayed; }
    // How long what was written last waits in the sound device before it is heard (the
    // test sink takes the mix at the moment it would be played: 0).
    qint64 bufferedUs() const;
    // Everything played is also pushed here, for the microphone's echo canceller.
    void setEchoReference(std::shared_ptr<FarEndReference> reference) { m_echoReference = std::move(reference); }

public slots:
    void start();
    void stop();

signals:
    void errorOccurred(int code, const QString &message);

private:
    void pump();

    AudioMixer &m_mixer;
    QAudioDevice m_device;
    bool m_testSink;
    std::unique_ptr<QAudioSink> m_sink;
    QIODevice *m_io = nullptr;
    QTimer m_timer{this};
    QElapsedTimer m_clock;
    qint64 m_framesPlayed = 0;
    std::shared_ptr<FarEndReference> m_echoReference;
};

} // namespace roomrec
