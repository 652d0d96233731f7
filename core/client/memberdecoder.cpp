#include "client/memberdecoder.h"

#include "protocol/trackname.h"

#include <algorithm>
#include <cstdlib>

namespace roomrec {

MemberDecoder::MemberDecoder(AudioMixer &mixer, int pictureMaxWidth) : m_mixer(mixer), m_pictureMaxWidth(pictureMaxWidth)
{
}

QString MemberDecoder::key(const QString &userId, Track track)
{
    return userId + QLatin1Char('/') + trackName(track);
}

Status MemberDecoder::addTrack(const RemoteTrack &track)
{
    if (track.track == Track::CameraAudio) {
        auto decoder = std::make_unique<FfmpegAudioDecoder>();
        if (Status s = decoder->open(*track.audio, m_mixer.sampleRate(), m_mixer.channels()); !s)
            return s;
        AudioTrack &slot = m_audio[track.userId];
        slot.decoder = std::move(decoder);
        slot.jitter.reset();
        m_mixer.addSource(track.userId);
        return success();
    }
    auto decoder = std::make_unique<FfmpegVideoDecoder>();
    if (Status s = decoder->open(*track.video); !s)
        return s;
    VideoTrack &slot = m_video.try_emplace(key(track.userId, track.track), VideoTrack{nullptr, PreviewConverter(m_pictureMaxWidth)})
                           .first->second;
    slot.decoder = std::move(decoder);
    return success();
}

void MemberDecoder::removeMember(const QString &userId)
{
    m_video.erase(key(userId, Track::CameraVideo));
    m_video.erase(key(userId, Track::SubStreamVideo));
    if (m_audio.erase(userId))
        m_mixer.removeSource(userId);
    m_peaks.erase(userId);
}

Result<std::vector<MemberPicture>> MemberDecoder::decode(const QString &userId, const MediaPacket &packet, qint64 arrivalUs)
{
    std::vector<MemberPicture> out;
    if (!packet.isVideo()) {
        const auto found = m_audio.find(userId);
        if (found != m_audio.end())
            found->second.jitter.push(packet, arrivalUs);
        return out;
    }
    const auto found = m_video.find(key(userId, packet.track));
    if (found == m_video.end())
        return out; // parameters not known (yet): nothing to decode with
    auto frames = found->second.decoder->decode(packet);
    if (!frames)
        return frames.error();
    for (DecodedVideoFrame &f : frames.value()) {
        ++m_pictures;
        out.push_back(MemberPicture{userId, packet.track, f.ptsUs, found->second.converter.convert(f.frame.get())});
    }
    return out;
}

Result<std::vector<MemberAudio>> MemberDecoder::pumpAudio(qint64 nowUs, qint64 sinkLatencyUs)
{
    std::vector<MemberAudio> heard;
    for (auto &[userId, track] : m_audio) {
        for (const MediaPacket &packet : track.jitter.pop(nowUs)) {
            auto decoded = track.decoder->decode(packet);
            if (!decoded)
                return decoded.error();
            for (const DecodedAudio &a : decoded.value()) {
                m_audioFrames += a.frameCount();
                int peak = 0;
                for (qint16 sample : a.samples)
                    peak = std::max(peak, std::abs(int(sample)));
                float &level = m_peaks[userId];
                level = std::max(level, std::min(1.f, float(peak) / 32767.f));
                // It is heard after what the mixer holds of this member, then what the sink holds.
                track.mixerWaitUs = qint64(m_mixer.queuedFrames(userId)) * 1'000'000 / m_mixer.sampleRate();
                heard.push_back(MemberAudio{userId, a.ptsUs, nowUs, nowUs + track.mixerWaitUs + sinkLatencyUs});
                m_mixer.push(userId, a.samples.constData(), a.frameCount());
            }
        }
    }
    return heard;
}

std::optional<qint64> MemberDecoder::audioClockOffsetUs(const QString &userId, qint64 sinkLatencyUs) const
{
    const auto found = m_audio.find(userId);
    if (found == m_audio.end() || !found->second.jitter.anchored())
        return std::nullopt;
    return found->second.jitter.playoutTimeUs(0) + found->second.mixerWaitUs + sinkLatencyUs;
}

QStringList MemberDecoder::audioMembers() const
{
    QStringList out;
    for (const auto &entry : m_audio)
        out << entry.first;
    return out;
}

std::map<QString, float> MemberDecoder::takeAudioPeaks()
{
    std::map<QString, float> out;
    for (const auto &[userId, track] : m_audio) {
        const auto found = m_peaks.find(userId);
        out[userId] = found == m_peaks.end() ? 0.f : found->second;
    }
    m_peaks.clear();
    return out;
}

} // namespace roomrec
