#include "server/deferredhttpreply.h"

namespace roomrec {

void DeferredHttpReply::send(const QHttpServerResponse &response)
{
    if (QHttpServerResponder *responder = take())
        response.write(std::move(*responder));
}

QHttpServerResponder *DeferredHttpReply::take()
{
    if (!isOpen())
        return nullptr;
    m_answered = true;
    return &m_responder;
}

} // namespace roomrec
