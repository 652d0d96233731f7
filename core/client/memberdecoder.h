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
    qint64 decodedAtUs = 0; // receiver time it came out of the decoder (set by the caller)
};

// A member's decoded sound as it went to the mixer: the receiver time its first sample
// reaches the speakers (the wait behind what the mixer and the sink already hold included).
struct MemberAudio {
    QString userId;
    qint64 ptsUs = 0;
    qint64 decodedAtUs = 0;
    qint64 heardAtUs = 0;
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
    // Decodes the audio whose playout time has come and pushes it to the mixer; sinkLatencyUs:
    // what the sound device holds ahead of the mixer's output (AudioPlayout::bufferedUs).
    Result<std::vector<MemberAudio>> pumpAudio(qint64 nowUs, qint64 sinkLatencyUs = 0);
    // The member's audio clock: receiver time at which its media time t is heard = t + this
    // (the jitter buffer's playout offset plus the output latency last seen); nullopt while
    // the member has no audio track or no audio arrived yet. Video of the same member shares
    // the capture clock, so this is when its pictures are due too.
    std::optional<qint64> audioClockOffsetUs(const QString &userId, qint64 sinkLatencyUs = 0) const;
    QStringList audioMembers() const;

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
        qint64 mixerWaitUs = 0; // how long the last decoded sound queued behind earlier sound
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
