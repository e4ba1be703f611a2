#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <vector>

namespace pygmi::server {

class Database;

// SQL for tus uploads and the references they become. Lookups on behalf of a user filter by that
// user, so another user's ids look absent.
class UploadStore
{
public:
    struct Upload
    {
        QString id;
        QString userId;
        std::int64_t length = 0;
        std::int64_t offset = 0;
        QString name;
        QString declaredSha256; // empty when the client did not say
        bool keepMetadata = false;
        QString state = QStringLiteral("receiving"); // receiving | completed | failed
        QString referenceId;
        QString errorCode;
        QString errorMessage;
        std::int64_t createdAt = 0;
        std::int64_t updatedAt = 0;
        std::int64_t expiresAt = 0;
    };

    struct Reference
    {
        QString id;
        QString userId;
        QString name;
        QString media; // image | video
        QString mime;
        int width = 0;
        int height = 0;
        std::int64_t bytes = 0;
        QString sha256;
        QString uploadSha256;
        QString thumbnailSha256;
        QStringList metadataRemoved;
        bool metadataKept = false;
        std::int64_t createdAt = 0;
        std::int64_t expiresAt = 0;
    };

    explicit UploadStore(const Database &database);

    void createUpload(const Upload &upload) const;
    // `userId` empty: any user's.
    std::optional<Upload> findUpload(const QString &userId, const QString &id) const;
    void setOffset(const QString &id, std::int64_t offset, std::int64_t nowMs, std::int64_t expiresAt) const;
    void markCompleted(const QString &id, const QString &referenceId, std::int64_t nowMs) const;
    void markFailed(const QString &id, const QString &code, const QString &message, std::int64_t nowMs) const;
    void deleteUpload(const QString &id) const;
    // Bytes the user holds or has reserved: stored references plus unfinished uploads' lengths.
    std::int64_t usedBytes(const QString &userId) const;
    std::vector<QString> expiredUploads(std::int64_t nowMs) const;
    // Every upload of one user, whatever its state (account and content deletion).
    std::vector<QString> uploadIdsOf(const QString &userId) const;
    bool uploadExists(const QString &id) const;

    void insertReference(const Reference &reference) const;
    std::optional<Reference> findReference(const QString &userId, const QString &id) const;
    // A reference of this user whose stored or received bytes have this SHA-256.
    std::optional<Reference> findReferenceBySha(const QString &userId, const QString &sha256) const;
    std::vector<Reference> listReferences(const QString &userId, int limit) const;
    // Deletes the row; returns it so the caller can release its blobs.
    std::optional<Reference> deleteReference(const QString &userId, const QString &id) const;
    std::vector<Reference> expiredReferences(std::int64_t nowMs) const;
    // Whether any row of any table (references, assets, thumbnails, avatars) still points at this blob.
    bool blobInUse(const QString &sha256) const;

    static QJsonObject toJson(const Reference &reference);
    static QJsonObject toJson(const Upload &upload);

private:
    const Database &m_db;
};

} // namespace pygmi::server
