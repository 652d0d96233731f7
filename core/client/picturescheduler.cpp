#include "client/picturescheduler.h"

namespace roomrec {

PictureScheduler::PictureScheduler(int maxQueuedPerMember) : m_maxQueued(qMax(1, maxQueuedPerMember)) {}

void PictureScheduler::setAudioClock(const QString &userId, std::optional<qint64> offsetUs)
{
    if (offsetUs) {
        m_members[userId].offsetUs = offsetUs;
        return;
    }
    const auto found = m_members.find(userId);
    if (found != m_members.end())
        found->second.offsetUs.reset();
}

std::optional<qint64> PictureScheduler::presentationTimeUs(const QString &userId, qint64 ptsUs) const
{
    const auto found = m_members.find(userId);
    if (found == m_members.end() || !found->second.offsetUs)
        return std::nullopt;
    return ptsUs + *found->second.offsetUs;
}

std::vector<MemberPicture> PictureScheduler::push(MemberPicture picture, qint64 nowUs)
{
    const std::optional<qint64> at = presentationTimeUs(picture.userId, picture.ptsUs);
    Member *member = nullptr;
    if (const auto found = m_members.find(picture.userId); found != m_members.end())
        member = &found->second;
    // Nothing to wait for, and nothing held before it that it could overtake.
    if (!at && (!member || member->pictures.empty()))
        return {std::move(picture)};
    if (at && *at <= nowUs)
        ++m_latePictures; // decoded after its sound was heard: shown as soon as its turn comes
    Member &m = m_members[picture.userId];
    m.pictures.emplace(picture.ptsUs, std::move(picture));
    while (int(m.pictures.size()) > m_maxQueued) {
        m.pictures.erase(m.pictures.begin());
        ++m_overflowDrops;
    }
    return due(nowUs);
}

std::vector<MemberPicture> PictureScheduler::due(qint64 nowUs)
{
    std::vector<MemberPicture> out;
    for (auto &[userId, member] : m_members) {
        auto &pictures = member.pictures;
        while (!pictures.empty() && (!member.offsetUs || pictures.begin()->first + *member.offsetUs <= nowUs)) {
            out.push_back(std::move(pictures.begin()->second));
            pictures.erase(pictures.begin());
        }
    }
    return out;
}

void PictureScheduler::removeMember(const QString &userId)
{
    m_members.erase(userId);
}

int PictureScheduler::queued(const QString &userId) const
{
    const auto found = m_members.find(userId);
    return found == m_members.end() ? 0 : int(found->second.pictures.size());
}

} // namespace roomrec
