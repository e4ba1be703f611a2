#pragma once

#include "http/WebSocketPeer.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

namespace pygmi::server {

// Per-user event streams for /v1/events. Durable events get the user's next sequence number and
// are kept in a ring (the last kRingSize per user) so a reconnecting client can catch up; transient
// ones (previews) have seq 0 and are never kept. Sequence numbers live in memory: a restart starts
// a new epoch at 0, which the client notices (hello.last_seq below its own) and refetches.
class EventHub
{
public:
    static constexpr std::size_t kRingSize = 1000;

    // Assigns seq, keeps and fans out a durable event; returns its seq.
    std::int64_t publish(const QString &userId, QJsonObject event);
    // Fans out a seq-0 event to the user's open sockets; slow sockets skip it.
    void publishTransient(const QString &userId, QJsonObject event);

    // Sends hello, then what the client missed after `since` (or a resync notice), then adds the
    // peer to the user's live subscribers — all under one lock, so nothing falls in between.
    void subscribe(const QString &userId, std::int64_t since, const std::shared_ptr<WebSocketPeer> &peer);

    static std::string resyncText();
    std::int64_t lastSeq(const QString &userId) const;

private:
    struct Stream
    {
        std::int64_t lastSeq = 0;
        std::deque<std::pair<std::int64_t, std::string>> ring;
        std::vector<std::weak_ptr<WebSocketPeer>> peers;
    };

    static std::string serialise(const QJsonObject &event);
    static void fanOut(Stream &stream, const std::string &text, WebSocketPeer::Priority priority);

    mutable std::mutex m_mutex;
    QHash<QString, Stream> m_streams;
};

} // namespace pygmi::server
