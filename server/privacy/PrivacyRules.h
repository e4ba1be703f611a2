#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>

namespace pygmi::server {

// The request model of the privacy design, as pure functions: types, regimes, statuses, which
// status may follow which, when a request is due and when the user may still cancel it.
class PrivacyRules
{
public:
    static const QStringList &types(); // access, export, rectification, erasure, restriction, ...
    static const QStringList &statuses(); // submitted, needs_verification, in_progress, ...
    static bool isFinal(const QString &status); // completed, denied, cancelled, expired

    // The account's region setting decides the regime: eu -> gdpr, us-ca -> ccpa, else other.
    static const QStringList &regions();
    static QString regimeFor(const QString &region);

    // GDPR Art. 12(3): one calendar month; CCPA: 45 days; elsewhere we promise the GDPR month.
    static std::int64_t dueAt(const QString &regime, std::int64_t submittedAtMs);
    // One extension: two more months (GDPR) or 45 more days (CCPA), counted from the first due date.
    static std::int64_t extendedDueAt(const QString &regime, std::int64_t dueAtMs);

    static bool canMove(const QString &from, const QString &to);
    // Before work starts, while we wait for the user, and an erasure during its grace period.
    static bool canCancel(const QString &type, const QString &status, std::int64_t graceEndsAtMs, std::int64_t nowMs);
};

} // namespace pygmi::server
