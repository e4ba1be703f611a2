#pragma once

#include "ReferenceProcessor.h"
#include "UploadStore.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "http/Router.h"

#include <QHash>
#include <QString>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace pygmi::server {

class AuthEndpoints;
class BlobStore;
class Clock;

// The tus 1.0.0 endpoint /v1/uploads (core, creation, creation-with-upload, termination, checksum,
// expiration) and the reference library /v1/references. Request bodies are streamed to the
// upload's partial file as they arrive; a completed upload becomes a reference through the
// ReferenceProcessor. A sweeper removes expired uploads (with their bytes) and references.
class UploadEndpoints
{
public:
    struct Settings
    {
        QString uploadDir; // partial files, named by the server's upload id only
        std::int64_t maxUploadBytes = 4LL * 1024 * 1024 * 1024; // Tus-Max-Size
        std::int64_t requestMaxBytes = 2LL * 1024 * 1024 * 1024; // one POST/PATCH body
        std::int64_t quotaBytes = 10LL * 1024 * 1024 * 1024; // per user: references + unfinished uploads
        std::int64_t incompleteTtlMs = 24LL * 3600 * 1000;
        std::chrono::milliseconds sweepInterval { 60000 };
        ReferenceProcessor::Limits limits;
    };

    UploadEndpoints(Settings settings, const AuthEndpoints &auth, const UploadStore &store, const BlobStore &blobs,
                    const Clock &clock);
    ~UploadEndpoints();

    void registerRoutes(Router &router);

    // Deletes expired uploads (row and bytes) and expired references (row, and blobs nobody else
    // uses). Runs on the sweeper thread and on demand.
    void sweep();
    void startSweeper();
    void stopSweeper();

    // Everything of one user (account deletion, "delete all my content"): unfinished uploads with
    // their partial files, and references with their blobs and thumbnails that no other row uses.
    // Throws when an upload stays busy with another request (the erasure is retried later).
    struct Erased
    {
        std::int64_t uploads = 0;
        std::int64_t references = 0;
        std::int64_t files = 0;
    };
    Erased eraseUser(const QString &userId);

    static constexpr const char *kTusVersion = "1.0.0";

private:
    class Sink;
    struct Writer; // the one request allowed to write an upload's bytes at a time

    HttpResponse options(const HttpRequest &request);
    StreamAccept create(const HttpRequest &request);
    StreamAccept patch(const HttpRequest &request);
    HttpResponse head(const HttpRequest &request);
    HttpResponse terminate(const HttpRequest &request);
    HttpResponse listReferences(const HttpRequest &request);
    HttpResponse getReference(const HttpRequest &request);
    HttpResponse referenceThumbnail(const HttpRequest &request);
    HttpResponse deleteReference(const HttpRequest &request);

    HttpResponse finishWrite(Sink &sink, bool complete);
    HttpResponse complete(const UploadStore::Upload &upload, HttpResponse answer);
    std::shared_ptr<Writer> acquireWriter(const QString &uploadId);
    void releaseWriter(const QString &uploadId, const std::shared_ptr<Writer> &writer);
    QString partialPath(const QString &uploadId) const;
    // The offset that is really on disk (after a crash the file may be shorter than the row says).
    std::int64_t durableOffset(const UploadStore::Upload &upload) const;
    // Returns how many blob files went.
    int releaseBlobs(const UploadStore::Reference &reference) const;
    // Returns whether a partial file went.
    bool removeUpload(const QString &uploadId) const;

    Settings m_settings;
    const AuthEndpoints &m_auth;
    const UploadStore &m_store;
    const BlobStore &m_blobs;
    const Clock &m_clock;
    ReferenceProcessor m_processor;

    std::mutex m_writersMutex;
    std::condition_variable m_writerReleased;
    QHash<QString, std::shared_ptr<Writer>> m_writers;

    std::mutex m_sweepMutex;
    std::condition_variable m_sweepWake;
    bool m_sweepStopping = false;
    std::thread m_sweeper;
};

} // namespace pygmi::server
