#pragma once

#include "api/ApiError.h"

#include <QFile>
#include <QObject>
#include <QString>
#include <memory>

namespace pygmi::core {

class ApiClient;

// Downloads an export archive to a file and proves it intact: the bytes arrive in pieces with
// HTTP Range into "<file>.part" (so an interrupted download continues where it stopped, also after
// a restart of the app), then the whole file's SHA-256 is compared with the server's, and every
// file listed in manifest.json is hashed inside the ZIP. Only a verified archive gets its name.
class ExportDownload : public QObject
{
    Q_OBJECT

public:
    enum class State { Idle, Downloading, Verifying, Verified, Failed, Expired };
    Q_ENUM(State)

    struct Verification
    {
        bool ok = false;
        int filesChecked = 0;
        QString problem; // the first mismatch, for the user
    };

    ExportDownload(ApiClient *api, QObject *parent = nullptr);

    // `url`: the artifact's path (/v1/privacy/exports/{id}); `sha256` and `bytes` as announced.
    void start(const QString &url, const QString &sha256, qint64 bytes, const QString &destination);
    State state() const { return m_state; }
    qint64 received() const { return m_received; }
    qint64 total() const { return m_total; }
    QString destination() const { return m_destination; }
    ApiError error() const { return m_error; }
    QString problem() const { return m_problem; }
    int filesChecked() const { return m_filesChecked; }

    // Hashes the whole file and each manifest entry (used after the download; also by tests).
    static Verification verify(const QString &path, const QString &expectedSha256);

    static constexpr qint64 kPieceBytes = 4 * 1024 * 1024;

Q_SIGNALS:
    void progress(qint64 received, qint64 total);
    void stateChanged(pygmi::core::ExportDownload::State state);

private:
    void fetchNext();
    void finishDownload();
    void setState(State state);

    ApiClient *m_api;
    QString m_url;
    QString m_sha256;
    QString m_destination;
    qint64 m_total = 0;
    qint64 m_received = 0;
    std::unique_ptr<QFile> m_part;
    State m_state = State::Idle;
    ApiError m_error;
    QString m_problem;
    int m_filesChecked = 0;
};

} // namespace pygmi::core
