#include "ProcessingGate.h"

#include "http/ApiError.h"
#include "storage/Database.h"

#include <QSqlQuery>

namespace pygmi::server {

ProcessingGate::ProcessingGate(const Database &database)
    : m_database(database)
{ }

std::optional<HttpResponse> ProcessingGate::refuse(const QString &userId, Kind kind) const
{
    QSqlQuery query = m_database.prepare(
        QStringLiteral("SELECT u.restricted_at, (SELECT COUNT(*) FROM processing_objections o"
                       " WHERE o.user_id = u.id AND o.purpose = 'product_analytics') FROM users u WHERE u.id = ?"));
    query.addBindValue(userId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    if (!query.value(0).isNull()) {
        return ApiError::make(403, QStringLiteral("restricted"),
                              QStringLiteral("Processing is restricted for this account; lift the restriction on the "
                                             "Privacy page to continue."));
    }
    if (kind == Kind::Analytics && query.value(1).toLongLong() > 0) {
        return ApiError::make(403, QStringLiteral("objected"),
                              QStringLiteral("This account objected to product-improvement analytics."));
    }
    return std::nullopt;
}

} // namespace pygmi::server
