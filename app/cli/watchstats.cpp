#include "watchstats.h"

#include <algorithm>

using namespace roomrec;

void WatchStats::addVideo(const MediaPacket &packet, qint64 receivedWallUs, qint64 captureWallUs, bool live)
{
    ++m_videoFrames;
    if (packet.key)
        ++m_keyFrames;
    if (m_lastDtsUs >= 0 && packet.dtsUs - m_lastDtsUs > 2 * m_frameUs)
        ++m_gaps;
    m_lastDtsUs = packet.dtsUs;
    m_checksum.addData(packet.data);
    if (live && captureWallUs >= 0)
        m_latencyUs.push_back(receivedWallUs - captureWallUs);
}

void WatchStats::newSubscription()
{
    for (int t = 0; t < kTrackCount; ++t) {
        m_droppedBefore[t] += m_dropped[t];
        m_dropped[t] = 0;
    }
}

double WatchStats::percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return -1;
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + qsizetype(index), values.end());
    return double(values[index]) / 1000.0;
}

QJsonObject WatchStats::toJson() const
{
    QJsonObject latency;
    if (!m_latencyUs.empty()) {
        latency = {{QStringLiteral("samples"), qint64(m_latencyUs.size())},
                   {QStringLiteral("p50Ms"), percentile(m_latencyUs, 0.5)},
                   {QStringLiteral("p95Ms"), percentile(m_latencyUs, 0.95)},
                   {QStringLiteral("maxMs"), percentile(m_latencyUs, 1.0)}};
    }
    return {{QStringLiteral("videoFrames"), m_videoFrames},
            {QStringLiteral("keyFrames"), m_keyFrames},
            {QStringLiteral("audioFrames"), m_audioFrames},
            {QStringLiteral("gaps"), m_gaps},
            {QStringLiteral("droppedVideo"), dropped(Track::CameraVideo) + dropped(Track::SubStreamVideo)},
            {QStringLiteral("droppedAudio"), dropped(Track::CameraAudio)},
            {QStringLiteral("firstPictureMs"), m_firstPictureMs},
            {QStringLiteral("latency"), latency},
            {QStringLiteral("videoChecksum"), QString::fromLatin1(m_checksum.result().toHex())}};
}
