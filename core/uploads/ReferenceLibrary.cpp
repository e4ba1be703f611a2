#include "uploads/ReferenceLibrary.h"

#include "api/ApiClient.h"

#include <QJsonArray>

namespace pygmi::core {

ReferenceInfo ReferenceInfo::fromJson(const QJsonObject &json)
{
    ReferenceInfo info;
    info.id = json.value(QStringLiteral("id")).toString();
    info.name = json.value(QStringLiteral("name")).toString();
    info.media = json.value(QStringLiteral("media")).toString();
    info.mime = json.value(QStringLiteral("mime")).toString();
    info.width = json.value(QStringLiteral("width")).toInt();
    info.height = json.value(QStringLiteral("height")).toInt();
    info.bytes = json.value(QStringLiteral("bytes")).toInteger();
    info.sha256 = json.value(QStringLiteral("sha256")).toString();
    for (const QJsonValue &code : json.value(QStringLiteral("metadata_removed")).toArray())
        info.metadataRemoved.append(code.toString());
    info.metadataKept = json.value(QStringLiteral("metadata_kept")).toBool();
    info.createdAt = QDateTime::fromString(json.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
    info.expiresAt = QDateTime::fromString(json.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    info.thumbnailUrl = json.value(QStringLiteral("thumbnail_url")).toString();
    return info;
}

ReferenceLibrary::ReferenceLibrary(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{ }

void ReferenceLibrary::refresh()
{
    m_loading = true;
    m_api->get(QStringLiteral("/v1/references"), this, [this](const ApiResponse &response) {
        m_loading = false;
        if (!response.ok()) {
            emit failed(response.error);
            return;
        }
        m_items.clear();
        for (const QJsonValue &value : response.json.value(QStringLiteral("items")).toArray())
            m_items.append(ReferenceInfo::fromJson(value.toObject()));
        const QJsonObject quota = response.json.value(QStringLiteral("quota")).toObject();
        m_usedBytes = quota.value(QStringLiteral("used_bytes")).toInteger();
        m_limitBytes = quota.value(QStringLiteral("limit_bytes")).toInteger();
        emit changed();
    });
}

void ReferenceLibrary::remove(const QString &id, QObject *context, std::function<void(const ApiError &)> done)
{
    ApiRequest request;
    request.method = "DELETE";
    request.path = QStringLiteral("/v1/references/") + id;
    request.idempotent = true;
    m_api->send(request, context, [this, id, done = std::move(done)](const ApiResponse &response) {
        if (response.ok() || response.httpStatus == 404) {
            m_items.erase(
                std::remove_if(m_items.begin(), m_items.end(), [&](const ReferenceInfo &r) { return r.id == id; }),
                m_items.end());
            emit changed();
            done({});
            return;
        }
        done(response.error);
    });
}

void ReferenceLibrary::thumbnail(const QString &id, QObject *context,
                                 std::function<void(const QByteArray &, const ApiError &)> done)
{
    m_api->get(QStringLiteral("/v1/references/%1/thumbnail").arg(id), context,
               [done = std::move(done)](const ApiResponse &response) { done(response.raw, response.error); });
}

} // namespace pygmi::core
