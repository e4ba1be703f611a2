#pragma once

#include "api/ApiError.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <functional>

namespace pygmi::core {

class ApiClient;

// A reference file the server keeps for the user (GET /v1/references).
struct ReferenceInfo
{
    QString id;
    QString name;
    QString media; // image | video
    QString mime;
    int width = 0;
    int height = 0;
    qint64 bytes = 0;
    QString sha256;
    QStringList metadataRemoved;
    bool metadataKept = false;
    QDateTime createdAt;
    QDateTime expiresAt; // content retention: deleted then
    QString thumbnailUrl;

    static ReferenceInfo fromJson(const QJsonObject &json);
};

// The user's reference library on the server: list, thumbnails, delete.
class ReferenceLibrary : public QObject
{
    Q_OBJECT

public:
    explicit ReferenceLibrary(ApiClient *api, QObject *parent = nullptr);

    void refresh();
    QList<ReferenceInfo> items() const { return m_items; }
    qint64 usedBytes() const { return m_usedBytes; }
    qint64 limitBytes() const { return m_limitBytes; }
    bool isLoading() const { return m_loading; }

    void remove(const QString &id, QObject *context, std::function<void(const ApiError &)> done);
    void thumbnail(const QString &id, QObject *context, std::function<void(const QByteArray &, const ApiError &)> done);

Q_SIGNALS:
    void changed();
    void failed(const pygmi::core::ApiError &error);

private:
    ApiClient *m_api;
    QList<ReferenceInfo> m_items;
    qint64 m_usedBytes = 0;
    qint64 m_limitBytes = 0;
    bool m_loading = false;
};

} // namespace pygmi::core
