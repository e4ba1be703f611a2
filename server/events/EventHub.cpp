#include "EventHub.h"

#include <QJsonDocument>

namespace pygmi::server {

std::string EventHub::serialise(const QJsonObject &event)
{
    return QJsonDocument(event).toJson(QJsonDocument::Compact).toStdString();
}

std::string EventHub::resyncText()
{
    return serialise(
        QJsonObject { { QStringLiteral("seq"), 0 }, { QStringLiteral("type"), QStringLiteral("resync") } });
}

void EventHub::fanOut(Stream &stream, const std::string &text, WebSocketPeer::Priority priority)
{
    auto &peers = stream.peers;
    for (auto it = peers.begin(); it != peers.end();) {
        const std::shared_ptr<WebSocketPeer> peer = it->lock();
        if (!peer || !peer->isOpen()) {
            it = peers.erase(it);
            continue;
        }
        peer->send(text, priority);
        ++it;
    }
}

std::int64_t EventHub::publish(const QString &userId, QJsonObject event)
{
    std::lock_guard lock(m_mutex);
    Stream &stream = m_streams[userId];
    const std::int64_t seq = ++stream.lastSeq;
    event.insert(QStringLiteral("seq"), qint64(seq));
    std::string text = serialise(event);
    fanOut(stream, text, WebSocketPeer::Priority::Durable);
    stream.ring.emplace_back(seq, std::move(text));
    if (stream.ring.size() > kRingSize)
        stream.ring.pop_front();
    return seq;
}

void EventHub::publishTransient(const QString &userId, QJsonObject event)
{
    event.insert(QStringLiteral("seq"), 0);
    const std::string text = serialise(event);
    std::lock_guard lock(m_mutex);
    const auto it = m_streams.find(userId);
    if (it != m_streams.end())
        fanOut(*it, text, WebSocketPeer::Priority::Droppable);
}

void EventHub::subscribe(const QString &userId, std::int64_t since, const std::shared_ptr<WebSocketPeer> &peer)
{
    std::lock_guard lock(m_mutex);
    Stream &stream = m_streams[userId];
    peer->send(serialise(QJsonObject { { QStringLiteral("seq"), 0 },
                                       { QStringLiteral("type"), QStringLiteral("hello") },
                                       { QStringLiteral("last_seq"), qint64(stream.lastSeq) } }),
               WebSocketPeer::Priority::Durable);
    // since 0: the client has no state yet and fetches the list itself; nothing to replay.
    if (since > 0) {
        const std::int64_t oldestKept = stream.ring.empty() ? stream.lastSeq + 1 : stream.ring.front().first;
        if (since > stream.lastSeq || since + 1 < oldestKept) {
            // Newer than this epoch (the server restarted) or older than the ring: refetch.
            peer->send(resyncText(), WebSocketPeer::Priority::Durable);
        } else {
            for (const auto &[seq, text] : stream.ring) {
                if (seq > since)
                    peer->send(text, WebSocketPeer::Priority::Durable);
            }
        }
    }
    stream.peers.push_back(peer);
}

std::int64_t EventHub::lastSeq(const QString &userId) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_streams.constFind(userId);
    return it == m_streams.constEnd() ? 0 : it->lastSeq;
}

} // namespace pygmi::server
