#include "PrivacyRules.h"

#include <QDateTime>

namespace pygmi::server {

const QStringList &PrivacyRules::types()
{
    static const QStringList list { QStringLiteral("access"),
                                    QStringLiteral("export"),
                                    QStringLiteral("rectification"),
                                    QStringLiteral("erasure"),
                                    QStringLiteral("restriction"),
                                    QStringLiteral("objection"),
                                    QStringLiteral("sale_share_opt_out"),
                                    QStringLiteral("human_review") };
    return list;
}

const QStringList &PrivacyRules::statuses()
{
    static const QStringList list { QStringLiteral("submitted"),   QStringLiteral("needs_verification"),
                                    QStringLiteral("in_progress"), QStringLiteral("awaiting_user_input"),
                                    QStringLiteral("completed"),   QStringLiteral("denied"),
                                    QStringLiteral("cancelled"),   QStringLiteral("expired") };
    return list;
}

bool PrivacyRules::isFinal(const QString &status)
{
    return status == u"completed" || status == u"denied" || status == u"cancelled" || status == u"expired";
}

const QStringList &PrivacyRules::regions()
{
    static const QStringList list { QStringLiteral("eu"), QStringLiteral("us-ca"), QStringLiteral("other") };
    return list;
}

QString PrivacyRules::regimeFor(const QString &region)
{
    if (region == u"eu")
        return QStringLiteral("gdpr");
    if (region == u"us-ca")
        return QStringLiteral("ccpa");
    return QStringLiteral("other");
}

std::int64_t PrivacyRules::dueAt(const QString &regime, std::int64_t submittedAtMs)
{
    const QDateTime submitted = QDateTime::fromMSecsSinceEpoch(submittedAtMs, Qt::UTC);
    if (regime == u"ccpa")
        return submitted.addDays(45).toMSecsSinceEpoch();
    return submitted.addMonths(1).toMSecsSinceEpoch();
}

std::int64_t PrivacyRules::extendedDueAt(const QString &regime, std::int64_t dueAtMs)
{
    const QDateTime due = QDateTime::fromMSecsSinceEpoch(dueAtMs, Qt::UTC);
    if (regime == u"ccpa")
        return due.addDays(45).toMSecsSinceEpoch();
    return due.addMonths(2).toMSecsSinceEpoch();
}

bool PrivacyRules::canMove(const QString &from, const QString &to)
{
    if (isFinal(from))
        return false;
    if (to == u"cancelled" || to == u"denied" || to == u"expired")
        return true;
    if (from == u"submitted")
        return to == u"needs_verification" || to == u"in_progress" || to == u"completed";
    if (from == u"needs_verification")
        return to == u"in_progress" || to == u"completed";
    if (from == u"in_progress")
        return to == u"awaiting_user_input" || to == u"completed";
    if (from == u"awaiting_user_input")
        return to == u"in_progress";
    return false;
}

bool PrivacyRules::canCancel(const QString &type, const QString &status, std::int64_t graceEndsAtMs, std::int64_t nowMs)
{
    if (status == u"submitted" || status == u"needs_verification" || status == u"awaiting_user_input")
        return true;
    return type == u"erasure" && status == u"in_progress" && graceEndsAtMs > nowMs;
}

} // namespace pygmi::server
