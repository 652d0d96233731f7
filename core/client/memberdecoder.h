#pragma once

#include "media/audiomixer.h"
#include "media/ffmpegaudiodecoder.h"
#include "media/ffmpegvideodecoder.h"
#include "media/jitterbuffer.h"
#include "media/previewconverter.h"
#include "protocol/remotetrack.h"

#include <QHash>
#include <QImage>

#include <memory>

namespace roomrec {

// A decoded picture of a member's track, ready to show.
struct MemberPicture {
    QString userId;
    Track track = Track::CameraVideo;
    qint64 ptsUs = 0;
    QImage image;
};

// Decodes subscribed members' packets: video with libavcodec (hardware first, software
// fallback) into pictures, audio through a jitter buffer and the AAC decoder into the mixer
// (one mixer source per member). Plain logic for one thread, the decode thread RemoteMedia
// runs it on; nothing here is thread-safe except the mixer it feeds.
class MemberDecoder {
public:
    MemberDecoder(AudioMixer &mixer, int pictureMaxWidth);

    // The stream parameters of a track (from subscribe or trackPublished): (re)opens its decoder.
    Status addTrack(const RemoteTrack &track);
    void removeMember(const QString &userId);
    // Pictures this packet completed; audio is only queued (pumpAudio decodes it when due).
    Result<std::vector<MemberPicture>> decode(const QString &userId, const MediaPacket &packet, qint64 arrivalUs);
    // Decodes the audio whose playout time has come and pushes it to the mixer.
    Status pumpAudio(qint64 nowUs);

    // Each audio member's loudest sample (0..1) since the last call, for a speaking indicator;
    // a member with nothing decoded meanwhile reads 0.
    std::map<QString, float> takeAudioPeaks();

    qint64 picturesDecoded() const { return m_pictures; }
    qint64 audioFramesDecoded() const { return m_audioFrames; }

private:
    struct VideoTrack {
        std::unique_ptr<FfmpegVideoDecoder> decoder;
        PreviewConverter converter;
    };
    struct AudioTrack {
        std::unique_ptr<FfmpegAudioDecoder> decoder;
        JitterBuffer jitter;
    };
    static QString key(const QString &userId, Track track);

    AudioMixer &m_mixer;
    int m_pictureMaxWidth;
    std::map<QString, VideoTrack> m_video;
    std::map<QString, AudioTrack> m_audio; // by user ID
    std::map<QString, float> m_peaks;      // by user ID, since takeAudioPeaks
    qint64 m_pictures = 0;
    qint64 m_audioFrames = 0;
};

} // namespace roomrec
