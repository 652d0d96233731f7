#include "common/hostport.h"

namespace roomrec {

Result<HostPort> HostPort::parse(const QString &text, quint16 defaultPort)
{
    HostPort out;
    out.port = defaultPort;
    QString rest = text.trimmed();
    QString portText;
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Error{1, QStringLiteral("'%1': missing ']'").arg(text)};
        out.host = rest.mid(1, close - 1);
        const QString tail = rest.mid(close + 1);
        if (tail.startsWith(QLatin1Char(':')))
            portText = tail.mid(1);
        else if (!tail.isEmpty())
            return Error{1, QStringLiteral("'%1': expected ':' after ']'").arg(text)};
    } else if (rest.count(QLatin1Char(':')) == 1) {
        out.host = rest.section(QLatin1Char(':'), 0, 0);
        portText = rest.section(QLatin1Char(':'), 1);
    } else {
        out.host = rest;
    }
    if (!portText.isEmpty()) {
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port > 65535)
            return Error{1, QStringLiteral("'%1': bad port").arg(text)};
        out.port = quint16(port);
    }
    if (out.host.isEmpty())
        return Error{1, QStringLiteral("'%1': missing host").arg(text)};
    return out;
}

QString HostPort::toString() const
{
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host) + QLatin1Char(':')
           + QString::number(port);
}

} // namespace roomrec
