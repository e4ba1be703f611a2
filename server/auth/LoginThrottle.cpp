#include "LoginThrottle.h"

#include <algorithm>

namespace pygmi::server {

namespace {
constexpr std::chrono::seconds kBaseDelay { 30 };
constexpr std::chrono::seconds kMaxDelay { 3600 };
constexpr int kPruneThreshold = 10000;

std::chrono::seconds ceilSeconds(Clock::TimePoint::duration d)
{
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(d));
}
} // namespace

LoginThrottle::LoginThrottle(const Clock &clock, int addressLimit, std::chrono::seconds addressWindow)
    : m_clock(clock)
    , m_addressLimit(addressLimit)
    , m_addressWindow(addressWindow)
{ }

std::chrono::seconds LoginThrottle::accountDelay(int failures) const
{
    if (failures < kFreeFailures)
        return std::chrono::seconds(0);
    const int doublings = std::min(failures - kFreeFailures, 16);
    return std::min(std::chrono::seconds(kBaseDelay.count() << doublings), kMaxDelay);
}

std::optional<std::chrono::seconds> LoginThrottle::retryAfter(const QString &account, const QString &address)
{
    std::lock_guard lock(m_mutex);
    const Clock::TimePoint now = m_clock.now();
    std::chrono::seconds wait(0);
    if (auto it = m_accounts.constFind(account); it != m_accounts.cend()) {
        const Clock::TimePoint allowedAt = it->lastFailure + accountDelay(it->failures);
        if (allowedAt > now)
            wait = std::max(wait, ceilSeconds(allowedAt - now));
    }
    if (auto it = m_addresses.find(address); it != m_addresses.end()) {
        auto &times = *it;
        while (!times.empty() && times.front() + m_addressWindow <= now)
            times.pop_front();
        if (static_cast<int>(times.size()) >= m_addressLimit)
            wait = std::max(wait, ceilSeconds(times.front() + m_addressWindow - now));
    }
    if (wait.count() > 0)
        return wait;
    return std::nullopt;
}

void LoginThrottle::recordFailure(const QString &account, const QString &address)
{
    std::lock_guard lock(m_mutex);
    const Clock::TimePoint now = m_clock.now();
    pruneLocked(now);
    AccountState &state = m_accounts[account];
    ++state.failures;
    state.lastFailure = now;
    m_addresses[address].push_back(now);
}

void LoginThrottle::recordSuccess(const QString &account)
{
    std::lock_guard lock(m_mutex);
    m_accounts.remove(account);
}

void LoginThrottle::pruneLocked(Clock::TimePoint now)
{
    // Bounded memory under a spray of made-up emails: forget what no longer slows anyone down.
    if (m_accounts.size() > kPruneThreshold) {
        for (auto it = m_accounts.begin(); it != m_accounts.end();) {
            if (it->lastFailure + std::max(accountDelay(it->failures), std::chrono::seconds(3600)) < now)
                it = m_accounts.erase(it);
            else
                ++it;
        }
    }
    if (m_addresses.size() > kPruneThreshold) {
        for (auto it = m_addresses.begin(); it != m_addresses.end();) {
            if (it->empty() || it->back() + m_addressWindow <= now)
                it = m_addresses.erase(it);
            else
                ++it;
        }
    }
}

} // namespace pygmi::server
