#include "Clock.h"

#include <QDateTime>

namespace pygmi::server {

Clock::TimePoint Clock::now() const
{
    return std::chrono::system_clock::now() + std::chrono::milliseconds(m_offsetMs.load());
}

std::int64_t Clock::nowMs() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
}

void Clock::advance(std::chrono::milliseconds by)
{
    m_offsetMs += by.count();
}

QString Clock::toIso(std::int64_t epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC).toString(Qt::ISODate);
}

} // namespace pygmi::server
