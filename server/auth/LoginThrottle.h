#pragma once

#include "common/Clock.h"

#include <QHash>
#include <QString>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

namespace pygmi::server {

// Slows down password guessing, in memory (a restart forgets it; that is acceptable here).
// Per account: after kFreeFailures consecutive failures each further try waits
// 30 s * 2^(n - kFreeFailures), at most 1 h; a success clears it. Unknown emails count too, so
// that the answer does not tell whether an account exists. Per client address: at most
// `addressLimit` failures in a sliding window.
class LoginThrottle
{
public:
    static constexpr int kFreeFailures = 5;

    LoginThrottle(const Clock &clock, int addressLimit, std::chrono::seconds addressWindow);

    // How long the caller must wait before trying, or nullopt if it may try now.
    std::optional<std::chrono::seconds> retryAfter(const QString &account, const QString &address);
    void recordFailure(const QString &account, const QString &address);
    void recordSuccess(const QString &account);

private:
    struct AccountState
    {
        int failures = 0;
        Clock::TimePoint lastFailure;
    };

    std::chrono::seconds accountDelay(int failures) const;
    void pruneLocked(Clock::TimePoint now);

    const Clock &m_clock;
    const int m_addressLimit;
    const std::chrono::seconds m_addressWindow;
    std::mutex m_mutex;
    QHash<QString, AccountState> m_accounts;
    QHash<QString, std::deque<Clock::TimePoint>> m_addresses;
};

} // namespace pygmi::server
