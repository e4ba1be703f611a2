#include "PrivacyAdmin.h"

#include "PrivacyRequests.h"
#include "common/Clock.h"
#include "storage/Database.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <cstdio>

namespace pygmi::server {

PrivacyAdmin::PrivacyAdmin(const Database &database, const PrivacyRequests &requests)
    : m_database(database)
    , m_requests(requests)
{ }

int PrivacyAdmin::run(const QStringList &arguments, qint64 nowMs) const
{
    const QString area = arguments.value(0);
    const QString action = arguments.value(1);
    if (area == u"review" && action == u"list")
        return listRequests(QStringLiteral("human_review"));
    if (area == u"review" && action == u"resolve")
        return resolveReview(arguments.mid(2), nowMs);
    if (area == u"request" && action == u"list")
        return listRequests({});
    if (area == u"request" && (action == u"extend" || action == u"deny" || action == u"complete" || action == u"ask"))
        return actOnRequest(action, arguments.mid(2), nowMs);
    std::fprintf(stderr, "unknown privacy command\n");
    return 2;
}

int PrivacyAdmin::listRequests(const QString &type) const
{
    for (const auto &r : m_requests.open(type)) {
        std::printf("%s  %-18s %-20s due %s  %s\n", qPrintable(r.id), qPrintable(r.type), qPrintable(r.status),
                    qPrintable(Clock::toIso(r.extendedDueAt.value_or(r.dueAt))),
                    qPrintable(r.type == u"human_review" ? r.scope.value(QLatin1String("decision_id")).toString()
                                                         : r.details.left(60)));
    }
    return 0;
}

int PrivacyAdmin::resolveReview(const QStringList &arguments, qint64 nowMs) const
{
    const QString id = arguments.value(0);
    const QString outcome = arguments.value(1);
    const QString reviewer = arguments.value(2).trimmed();
    const QString note = arguments.mid(3).join(u' ').trimmed();
    if (id.isEmpty() || (outcome != u"upheld" && outcome != u"overturned") || reviewer.isEmpty()) {
        std::fprintf(stderr, "use: admin review resolve REQUEST upheld|overturned REVIEWER [NOTE...]\n");
        return 2;
    }
    const auto request = m_requests.find(id);
    if (!request || request->type != u"human_review") {
        std::fprintf(stderr, "no review request with that id\n");
        return 1;
    }
    const QString decisionId = request->scope.value(QLatin1String("decision_id")).toString();
    QSqlQuery update = m_database.prepare(QStringLiteral("UPDATE moderation_decisions SET reviewed_at = ?, reviewed_by "
                                                         "= ?, review_outcome = ? WHERE id = ? AND user_id = ?"));
    update.addBindValue(QVariant::fromValue<qint64>(nowMs));
    update.addBindValue(reviewer);
    update.addBindValue(outcome);
    update.addBindValue(decisionId);
    update.addBindValue(request->userId);
    Database::exec(update);
    const QJsonObject result { { QStringLiteral("decision_id"), decisionId },
                               { QStringLiteral("outcome"), outcome },
                               { QStringLiteral("reviewer"), reviewer },
                               { QStringLiteral("note"), note },
                               { QStringLiteral("automated"), false } };
    const QString summary = outcome == u"upheld" ? QStringLiteral("A person reviewed the decision and upheld it")
                                                 : QStringLiteral("A person reviewed the decision and overturned it");
    if (!m_requests.transition(id, QStringLiteral("completed"), note.isEmpty() ? summary : summary + u": " + note,
                               QStringLiteral("reviewer:") + reviewer, nowMs, result)) {
        std::fprintf(stderr, "the request is already closed (%s)\n", qPrintable(request->status));
        return 1;
    }
    std::printf("review %s: %s by %s\n", qPrintable(id), qPrintable(outcome), qPrintable(reviewer));
    return 0;
}

int PrivacyAdmin::actOnRequest(const QString &action, const QStringList &arguments, qint64 nowMs) const
{
    const QString id = arguments.value(0);
    const QString words = arguments.mid(1).join(u' ').trimmed();
    const auto request = m_requests.find(id);
    if (!request || words.isEmpty()) {
        std::fprintf(stderr, "use: admin request %s ID TEXT... (with an existing request id)\n", qPrintable(action));
        return request ? 2 : 1;
    }
    bool ok = true;
    if (action == u"extend") {
        if (request->extendedDueAt) {
            std::fprintf(stderr, "the deadline was already extended once\n");
            return 1;
        }
        m_requests.extend(id, words, QStringLiteral("operator"), nowMs);
    } else if (action == u"deny") {
        ok = m_requests.transition(id, QStringLiteral("denied"), words, QStringLiteral("operator"), nowMs, {}, words);
    } else if (action == u"complete") {
        ok = m_requests.transition(id, QStringLiteral("completed"), words, QStringLiteral("operator"), nowMs,
                                   QJsonObject { { QStringLiteral("note"), words } });
    } else if (action == u"ask") {
        ok = m_requests.transition(id, QStringLiteral("awaiting_user_input"), words, QStringLiteral("operator"), nowMs);
    }
    if (!ok) {
        std::fprintf(stderr, "not allowed from status %s\n", qPrintable(request->status));
        return 1;
    }
    std::printf("%s %s\n", qPrintable(action), qPrintable(id));
    return 0;
}

} // namespace pygmi::server
