#include "membertile.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace roomrec {

namespace {
constexpr float kSpeakingLevel = 0.1f; // -20 dBFS peaks: a voice, not room noise
constexpr int kMargin = 6;
}

MemberTile::MemberTile(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::PointingHandCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MemberTile::setState(const MemberState &state)
{
    if (!state.latestFrame.isNull() && state.latestFrame.cacheKey() != m_state.latestFrame.cacheKey())
        ++m_frames;
    m_state = state;
    setToolTip(name());
    update();
}

bool MemberTile::isSpeaking() const
{
    return m_state.publishesAudio && !m_state.micMuted && m_state.audioLevel >= kSpeakingLevel;
}

QString MemberTile::name() const
{
    return m_state.isSelf ? tr("%1 (you)").arg(m_state.userId) : m_state.userId;
}

QString MemberTile::initials(const QString &userId)
{
    // "ada.lovelace" -> "AL", "bob" -> "B": the first letter of up to two words.
    QString out;
    bool wordStart = true;
    for (const QChar c : userId) {
        if (!c.isLetterOrNumber()) {
            wordStart = true;
            continue;
        }
        if (wordStart)
            out += c.toUpper();
        wordStart = false;
        if (out.size() == 2)
            break;
    }
    return out.isEmpty() ? QStringLiteral("?") : out;
}

void MemberTile::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.fillRect(rect(), QColor(32, 33, 36));
    if (showsAvatar()) {
        paintAvatar(painter, rect());
    } else {
        QSize scaled = m_state.latestFrame.size().scaled(size(), Qt::KeepAspectRatio);
        QRect target(QPoint(0, 0), scaled);
        target.moveCenter(rect().center());
        painter.drawImage(target, m_state.latestFrame);
    }

    const QFontMetrics metrics = painter.fontMetrics();
    const int labelHeight = metrics.height() + 4;
    // The name, bottom left, on a dark plate so it reads over any picture.
    const QString label = metrics.elidedText(name(), Qt::ElideRight, width() / 2);
    QRect nameRect(kMargin, height() - kMargin - labelHeight, metrics.horizontalAdvance(label) + 10, labelHeight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 160));
    painter.drawRoundedRect(nameRect, 4, 4);
    painter.setPen(Qt::white);
    painter.drawText(nameRect, Qt::AlignCenter, label);

    if (showsScreenBadge()) {
        const QString badge = tr("Screen");
        QRect badgeRect(kMargin, kMargin, metrics.horizontalAdvance(badge) + 10, labelHeight);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(26, 115, 232));
        painter.drawRoundedRect(badgeRect, 4, 4);
        painter.setPen(Qt::white);
        painter.drawText(badgeRect, Qt::AlignCenter, badge);
    }
    if (showsMicMuted())
        paintMicMuted(painter, QRect(width() - kMargin - labelHeight, height() - kMargin - labelHeight, labelHeight, labelHeight));
    if (isSpeaking()) {
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(52, 168, 83), 4));
        painter.drawRect(rect().adjusted(2, 2, -2, -2));
    }
}

void MemberTile::paintAvatar(QPainter &painter, const QRect &area) const
{
    const int diameter = std::max(24, std::min(area.width(), area.height()) / 2);
    QRect circle(0, 0, diameter, diameter);
    circle.moveCenter(area.center());
    // A colour of its own per user, so avatars tell members apart at a glance.
    const QColor colour = QColor::fromHsv(int(qHash(m_state.userId) % 360), 120, 180);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawEllipse(circle);
    QFont font = painter.font();
    font.setPixelSize(std::max(10, diameter * 2 / 5));
    font.setBold(true);
    painter.save();
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(circle, Qt::AlignCenter, initials(m_state.userId));
    painter.restore();
}

void MemberTile::paintMicMuted(QPainter &painter, const QRect &area) const
{
    // A microphone, crossed out in red.
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 160));
    painter.drawEllipse(area);
    const QRectF r = QRectF(area).adjusted(area.width() * 0.3, area.height() * 0.2, -area.width() * 0.3, -area.height() * 0.2);
    painter.setPen(QPen(Qt::white, 1.5));
    painter.setBrush(Qt::NoBrush);
    const QRectF capsule(r.left() + r.width() * 0.2, r.top(), r.width() * 0.6, r.height() * 0.6);
    painter.drawRoundedRect(capsule, capsule.width() / 2, capsule.width() / 2);
    painter.drawLine(QPointF(r.center().x(), capsule.bottom() + r.height() * 0.15), QPointF(r.center().x(), r.bottom()));
    painter.setPen(QPen(QColor(234, 67, 53), 2));
    painter.drawLine(r.topLeft(), r.bottomRight());
}

void MemberTile::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        emit clicked(m_state.userId);
    QWidget::mouseReleaseEvent(event);
}

} // namespace roomrec
