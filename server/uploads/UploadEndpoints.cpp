#include "UploadEndpoints.h"

#include "UploadLogging.h"
#include "auth/AuthEndpoints.h"
#include "common/Clock.h"
#include "generation/GenerationRequest.h"
#include "http/ApiError.h"
#include "storage/BlobStore.h"
#include "storage/Database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>
#include <QUuid>
#include <atomic>
#include <charconv>
#include <limits>
#include <stdexcept>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcUploads, "pygmi.server.uploads")

namespace pygmi::server {

namespace {

constexpr const char *kExtensions = "creation,creation-with-upload,termination,checksum,expiration";
constexpr const char *kChecksumAlgorithms = "sha1,sha256";
constexpr int kReferenceListMax = 500;

HttpResponse withTus(HttpResponse response)
{
    response.headers.emplace_back("Tus-Resumable", UploadEndpoints::kTusVersion);
    return response;
}

HttpResponse tusStatus(int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType.clear();
    return withTus(std::move(response));
}

HttpResponse tusError(int status, const QString &code, const QString &message)
{
    return withTus(ApiError::make(status, code, message));
}

std::string httpDate(std::int64_t ms)
{
    return QLocale::c()
        .toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toStdString();
}

std::optional<std::int64_t> parseCount(std::string_view text)
{
    std::int64_t value = 0;
    if (text.empty() || text.size() > 19)
        return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0)
        return std::nullopt;
    return value;
}

std::optional<HttpResponse> checkTusVersion(const HttpRequest &request)
{
    if (request.header("tus-resumable") == UploadEndpoints::kTusVersion)
        return std::nullopt;
    HttpResponse response = ApiError::make(412, QStringLiteral("unsupported_tus_version"),
                                           QStringLiteral("This server speaks tus 1.0.0 (Tus-Resumable: 1.0.0)."));
    response.headers.emplace_back("Tus-Version", UploadEndpoints::kTusVersion);
    return response;
}

bool isOffsetStream(std::string_view contentType)
{
    const std::size_t semicolon = contentType.find(';');
    std::string_view type = contentType.substr(0, semicolon);
    while (!type.empty() && type.back() == ' ')
        type.remove_suffix(1);
    return type == "application/offset+octet-stream";
}

bool hasBody(const HttpRequest &request)
{
    const auto length = parseCount(request.header("content-length"));
    return (length && *length > 0) || request.header("transfer-encoding").find("chunked") != std::string_view::npos;
}

struct Checksum
{
    const EVP_MD *algorithm = nullptr;
    QByteArray expected;
};

// "Upload-Checksum: sha1 <base64>". nullopt with `bad` false: no header; `bad` true: refuse.
std::optional<Checksum> parseChecksum(const HttpRequest &request, std::optional<HttpResponse> *bad)
{
    const std::string_view header = request.header("upload-checksum");
    if (header.empty())
        return std::nullopt;
    const std::size_t space = header.find(' ');
    const std::string_view name = header.substr(0, space);
    Checksum checksum;
    if (name == "sha1")
        checksum.algorithm = EVP_sha1();
    else if (name == "sha256")
        checksum.algorithm = EVP_sha256();
    if (!checksum.algorithm) {
        *bad = tusError(400, QStringLiteral("unsupported_checksum_algorithm"),
                        QStringLiteral("Checksums may use sha1 or sha256."));
        return std::nullopt;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
        space == std::string_view::npos
            ? QByteArray()
            : QByteArray(header.substr(space + 1).data(), qsizetype(header.size() - space - 1)),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != EVP_MD_get_size(checksum.algorithm)) {
        *bad = tusError(400, QStringLiteral("invalid_checksum"), QStringLiteral("Upload-Checksum is malformed."));
        return std::nullopt;
    }
    checksum.expected = decoded.decoded;
    return checksum;
}

// "key base64,key2 base64" (a value may be absent).
std::optional<QHash<QString, QByteArray>> parseMetadata(std::string_view header)
{
    QHash<QString, QByteArray> values;
    const QByteArray all(header.data(), qsizetype(header.size()));
    for (const QByteArray &pairRaw : all.split(',')) {
        const QByteArray pair = pairRaw.trimmed();
        if (pair.isEmpty())
            continue;
        const qsizetype space = pair.indexOf(' ');
        const QString key = QString::fromLatin1(space < 0 ? pair : pair.left(space));
        if (key.isEmpty() || key.size() > 64)
            return std::nullopt;
        QByteArray value;
        if (space >= 0) {
            const auto decoded = QByteArray::fromBase64Encoding(pair.mid(space + 1).trimmed(),
                                                                QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return std::nullopt;
            value = decoded.decoded;
        }
        values.insert(key, value);
    }
    return values;
}

QString cleanName(const QByteArray &raw)
{
    QString name = QString::fromUtf8(raw);
    // Only the last path component, no control characters: a name is shown, never used as a path.
    name = name.section(u'/', -1).section(u'\\', -1);
    QString out;
    for (const QChar c : std::as_const(name)) {
        if (c.category() != QChar::Other_Control && c.category() != QChar::Other_Format)
            out.append(c);
    }
    out = out.trimmed().left(200);
    return out.isEmpty() ? QStringLiteral("reference") : out;
}

bool isSha256Hex(const QString &text)
{
    if (text.size() != 64)
        return false;
    for (const QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

} // namespace

struct UploadEndpoints::Writer
{
    std::atomic<bool> superseded { false };
};

// Receives one request's body for one upload: appends to the partial file from the upload's
// offset, hashes for Upload-Checksum, and never goes past the declared length.
class UploadEndpoints::Sink : public BodySink
{
public:
    enum class Kind { Create, Patch };

    Sink(UploadEndpoints &owner, Kind kind, UploadStore::Upload upload, std::int64_t offset,
         std::optional<Checksum> checksum, int fd, std::shared_ptr<Writer> writer)
        : m_owner(owner)
        , m_kind(kind)
        , m_upload(std::move(upload))
        , m_offset(offset)
        , m_checksum(std::move(checksum))
        , m_fd(fd)
        , m_writer(std::move(writer))
    {
        if (m_checksum) {
            m_hash = EVP_MD_CTX_new();
            EVP_DigestInit_ex(m_hash, m_checksum->algorithm, nullptr);
        }
    }

    ~Sink() override
    {
        closeFile();
        if (m_hash)
            EVP_MD_CTX_free(m_hash);
        if (m_writer)
            m_owner.releaseWriter(m_upload.id, m_writer);
    }

    bool write(const char *data, std::size_t size) override
    {
        if (m_writer->superseded.load())
            return false; // a newer request for this upload takes over; what arrived so far is kept
        if (std::int64_t(m_received + size) > m_upload.length - m_offset) {
            m_pastLength = true;
            return false;
        }
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::write(m_fd, data + done, size - done);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                m_ioError = true;
                return false;
            }
            done += std::size_t(n);
        }
        if (m_hash)
            EVP_DigestUpdate(m_hash, data, size);
        m_received += size;
        return true;
    }

    HttpResponse finish(bool complete) override { return m_owner.finishWrite(*this, complete); }

    void closeFile()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

    UploadEndpoints &m_owner;
    Kind m_kind;
    UploadStore::Upload m_upload;
    std::int64_t m_offset;
    std::optional<Checksum> m_checksum;
    int m_fd;
    std::shared_ptr<Writer> m_writer;
    EVP_MD_CTX *m_hash = nullptr;
    std::uint64_t m_received = 0;
    bool m_pastLength = false;
    bool m_ioError = false;
};

UploadEndpoints::UploadEndpoints(Settings settings, const AuthEndpoints &auth, const UploadStore &store,
                                 const BlobStore &blobs, const Clock &clock)
    : m_settings(std::move(settings))
    , m_auth(auth)
    , m_store(store)
    , m_blobs(blobs)
    , m_clock(clock)
    , m_processor(m_settings.limits, store, blobs)
{
    QDir().mkpath(m_settings.uploadDir);
}

UploadEndpoints::~UploadEndpoints()
{
    stopSweeper();
}

void UploadEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (UploadEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("OPTIONS", "/v1/uploads", bind(&UploadEndpoints::options));
    router.addStream(
        "POST", "/v1/uploads", [this](const HttpRequest &request) { return create(request); },
        std::size_t(m_settings.requestMaxBytes));
    router.add("GET", "/v1/uploads/{id}", bind(&UploadEndpoints::head)); // HEAD arrives as GET
    router.addStream(
        "PATCH", "/v1/uploads/{id}", [this](const HttpRequest &request) { return patch(request); },
        std::size_t(m_settings.requestMaxBytes));
    router.add("DELETE", "/v1/uploads/{id}", bind(&UploadEndpoints::terminate));
    router.add("GET", "/v1/references", bind(&UploadEndpoints::listReferences));
    router.add("GET", "/v1/references/{id}", bind(&UploadEndpoints::getReference));
    router.add("DELETE", "/v1/references/{id}", bind(&UploadEndpoints::deleteReference));
    router.add("GET", "/v1/references/{id}/thumbnail", bind(&UploadEndpoints::referenceThumbnail));
}

QString UploadEndpoints::partialPath(const QString &uploadId) const
{
    return m_settings.uploadDir + u'/' + uploadId + QStringLiteral(".part");
}

std::int64_t UploadEndpoints::durableOffset(const UploadStore::Upload &upload) const
{
    if (upload.state != QLatin1String("receiving"))
        return upload.offset;
    const QFileInfo info(partialPath(upload.id));
    const std::int64_t onDisk = info.exists() ? info.size() : 0;
    return std::min(upload.offset, onDisk);
}

std::shared_ptr<UploadEndpoints::Writer> UploadEndpoints::acquireWriter(const QString &uploadId)
{
    std::unique_lock lock(m_writersMutex);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (m_writers.contains(uploadId)) {
        // The client has moved on (e.g. reconnected after a drop): the old request stops at its
        // next piece and keeps what it received.
        m_writers.value(uploadId)->superseded = true;
        if (m_writerReleased.wait_until(lock, deadline) == std::cv_status::timeout && m_writers.contains(uploadId))
            return nullptr;
    }
    auto writer = std::make_shared<Writer>();
    m_writers.insert(uploadId, writer);
    return writer;
}

void UploadEndpoints::releaseWriter(const QString &uploadId, const std::shared_ptr<Writer> &writer)
{
    {
        std::lock_guard lock(m_writersMutex);
        if (m_writers.value(uploadId) == writer)
            m_writers.remove(uploadId);
    }
    m_writerReleased.notify_all();
}

bool UploadEndpoints::removeUpload(const QString &uploadId) const
{
    const bool removed = QFile::remove(partialPath(uploadId));
    QFile::remove(partialPath(uploadId) + QStringLiteral(".clean"));
    m_store.deleteUpload(uploadId);
    return removed;
}

HttpResponse UploadEndpoints::options(const HttpRequest &)
{
    HttpResponse response = tusStatus(204);
    response.headers.emplace_back("Tus-Version", kTusVersion);
    response.headers.emplace_back("Tus-Extension", kExtensions);
    response.headers.emplace_back("Tus-Max-Size", std::to_string(m_settings.maxUploadBytes));
    response.headers.emplace_back("Tus-Checksum-Algorithm", kChecksumAlgorithms);
    return response;
}

StreamAccept UploadEndpoints::create(const HttpRequest &request)
{
    StreamAccept accept;
    if ((accept.reject = checkTusVersion(request)))
        return accept;
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller)) {
        accept.reject = withTus(std::move(*failure));
        return accept;
    }
    if (!request.header("upload-defer-length").empty()) {
        accept.reject = tusError(400, QStringLiteral("length_required"),
                                 QStringLiteral("Send Upload-Length: this server does not defer lengths."));
        return accept;
    }
    const auto length = parseCount(request.header("upload-length"));
    if (!length) {
        accept.reject = tusError(400, QStringLiteral("length_required"),
                                 QStringLiteral("Upload-Length is missing or not a number."));
        return accept;
    }
    if (*length > m_settings.maxUploadBytes) {
        accept.reject = tusError(413, QStringLiteral("upload_too_large"),
                                 QStringLiteral("The file is %1 bytes; this server accepts at most %2 bytes.")
                                     .arg(*length)
                                     .arg(m_settings.maxUploadBytes));
        return accept;
    }
    if (*length == 0) {
        accept.reject
            = tusError(422, QStringLiteral("empty_file"),
                       QStringLiteral("The file is empty (0 bytes): there is nothing to use as a reference."));
        return accept;
    }
    const auto metadata = parseMetadata(request.header("upload-metadata"));
    if (!metadata) {
        accept.reject = tusError(400, QStringLiteral("invalid_metadata"),
                                 QStringLiteral("Upload-Metadata must be 'key base64' pairs separated by commas."));
        return accept;
    }
    const QString declaredSha = QString::fromLatin1(metadata->value(QStringLiteral("sha256"))).toLower();
    if (!declaredSha.isEmpty() && !isSha256Hex(declaredSha)) {
        accept.reject = tusError(400, QStringLiteral("invalid_metadata"),
                                 QStringLiteral("The sha256 metadata must be 64 hexadecimal digits."));
        return accept;
    }
    const bool body = hasBody(request);
    if (body && !isOffsetStream(request.header("content-type"))) {
        accept.reject = withTus(ApiError::unsupportedMediaType());
        return accept;
    }
    std::optional<HttpResponse> badChecksum;
    auto checksum = body ? parseChecksum(request, &badChecksum) : std::nullopt;
    if (badChecksum) {
        accept.reject = std::move(badChecksum);
        return accept;
    }
    const std::int64_t used = m_store.usedBytes(caller.userId);
    if (used + *length > m_settings.quotaBytes) {
        accept.reject = tusError(413, QStringLiteral("quota_exceeded"),
                                 QStringLiteral("This upload needs %1 bytes but only %2 of your %3 bytes are free. "
                                                "Delete references you no longer need.")
                                     .arg(*length)
                                     .arg(std::max<std::int64_t>(0, m_settings.quotaBytes - used))
                                     .arg(m_settings.quotaBytes));
        return accept;
    }

    const std::int64_t now = m_clock.nowMs();
    UploadStore::Upload upload;
    upload.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    upload.userId = caller.userId;
    upload.length = *length;
    upload.name = cleanName(metadata->contains(QStringLiteral("filename")) ? metadata->value(QStringLiteral("filename"))
                                                                           : metadata->value(QStringLiteral("name")));
    upload.declaredSha256 = declaredSha;
    const QByteArray keep = metadata->value(QStringLiteral("keep_metadata")).toLower();
    upload.keepMetadata = keep == "1" || keep == "true";
    upload.createdAt = now;
    upload.updatedAt = now;
    upload.expiresAt = now + m_settings.incompleteTtlMs;

    const QString path = partialPath(upload.id);
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        accept.reject = withTus(ApiError::internalError());
        return accept;
    }
    m_store.createUpload(upload);
    auto writer = acquireWriter(upload.id);
    accept.sink = std::make_shared<Sink>(*this, Sink::Kind::Create, upload, 0, std::move(checksum), fd, writer);
    qCInfo(lcUploads) << "upload created:" << upload.length << "bytes";
    return accept;
}

StreamAccept UploadEndpoints::patch(const HttpRequest &request)
{
    StreamAccept accept;
    if ((accept.reject = checkTusVersion(request)))
        return accept;
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller)) {
        accept.reject = withTus(std::move(*failure));
        return accept;
    }
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    auto upload = GenerationRequest::isUuid(id) ? m_store.findUpload(caller.userId, id) : std::nullopt;
    if (!upload) {
        accept.reject = withTus(ApiError::notFound());
        return accept;
    }
    if (!isOffsetStream(request.header("content-type"))) {
        accept.reject = withTus(ApiError::unsupportedMediaType());
        return accept;
    }
    const auto clientOffset = parseCount(request.header("upload-offset"));
    if (!clientOffset) {
        accept.reject = tusError(400, QStringLiteral("offset_required"),
                                 QStringLiteral("Upload-Offset is missing or not a number."));
        return accept;
    }
    std::optional<HttpResponse> badChecksum;
    auto checksum = parseChecksum(request, &badChecksum);
    if (badChecksum) {
        accept.reject = std::move(badChecksum);
        return accept;
    }
    auto writer = acquireWriter(id);
    if (!writer) {
        HttpResponse busy
            = tusError(423, QStringLiteral("upload_busy"),
                       QStringLiteral("Another request is still writing this upload. Try again shortly."));
        busy.headers.emplace_back("Retry-After", "1");
        accept.reject = std::move(busy);
        return accept;
    }
    const auto release = [&] { releaseWriter(id, writer); };
    upload = m_store.findUpload(caller.userId, id); // as the previous writer left it
    if (!upload) {
        release();
        accept.reject = withTus(ApiError::notFound());
        return accept;
    }
    if (upload->state == QLatin1String("failed")) {
        release();
        accept.reject = tusError(410, upload->errorCode, upload->errorMessage);
        return accept;
    }
    if (upload->state == QLatin1String("receiving") && upload->expiresAt <= m_clock.nowMs()) {
        removeUpload(id);
        release();
        accept.reject
            = tusError(410, QStringLiteral("upload_expired"), QStringLiteral("This upload expired; start it again."));
        return accept;
    }
    const std::int64_t offset = durableOffset(*upload);
    if (*clientOffset != offset) {
        release();
        accept.reject = tusError(
            409, QStringLiteral("offset_mismatch"),
            QStringLiteral("Upload-Offset %1 does not match the upload's offset %2.").arg(*clientOffset).arg(offset));
        return accept;
    }
    if (upload->state == QLatin1String("completed")) {
        release();
        if (hasBody(request)) {
            accept.reject
                = tusError(413, QStringLiteral("past_length"), QStringLiteral("This upload is already complete."));
            return accept;
        }
        HttpResponse done = tusStatus(204);
        done.headers.emplace_back("Upload-Offset", std::to_string(upload->length));
        done.headers.emplace_back("Pygmi-Reference-Id", upload->referenceId.toStdString());
        accept.reject = std::move(done);
        return accept;
    }
    if (const auto length = parseCount(request.header("content-length")); length && offset + *length > upload->length) {
        release();
        accept.reject = tusError(413, QStringLiteral("past_length"),
                                 QStringLiteral("This request would write past the upload's declared length of %1 "
                                                "bytes.")
                                     .arg(upload->length));
        return accept;
    }
    const QString path = partialPath(id);
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || ::ftruncate(fd, offset) != 0 || ::lseek(fd, offset, SEEK_SET) != offset) {
        if (fd >= 0)
            ::close(fd);
        release();
        accept.reject = withTus(ApiError::internalError());
        return accept;
    }
    if (offset != upload->offset)
        m_store.setOffset(id, offset, upload->updatedAt, upload->expiresAt);
    upload->offset = offset;
    accept.sink = std::make_shared<Sink>(*this, Sink::Kind::Patch, *upload, offset, std::move(checksum), fd, writer);
    return accept;
}

HttpResponse UploadEndpoints::finishWrite(Sink &sink, bool complete)
{
    sink.closeFile();
    const UploadStore::Upload &upload = sink.m_upload;
    const QString path = partialPath(upload.id);
    const auto rollback = [&] { ::truncate(QFile::encodeName(path).constData(), sink.m_offset); };
    const auto created = [&](HttpResponse response) {
        if (sink.m_kind == Sink::Kind::Create)
            response.headers.emplace_back("Location", "/v1/uploads/" + upload.id.toStdString());
        return response;
    };

    if (sink.m_pastLength) {
        rollback();
        return created(tusError(413, QStringLiteral("past_length"),
                                QStringLiteral("This request would write past the upload's declared length of %1 "
                                               "bytes.")
                                    .arg(upload.length)));
    }
    if (sink.m_ioError) {
        rollback();
        return created(withTus(ApiError::internalError()));
    }
    if (sink.m_checksum) {
        // A chunk with a checksum counts only whole and verified.
        if (!complete) {
            rollback();
            return created(
                tusError(400, QStringLiteral("incomplete_chunk"), QStringLiteral("The chunk did not arrive whole.")));
        }
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int digestLength = 0;
        EVP_DigestFinal_ex(sink.m_hash, digest, &digestLength);
        if (QByteArray(reinterpret_cast<const char *>(digest), int(digestLength)) != sink.m_checksum->expected) {
            rollback();
            qCInfo(lcUploads) << "chunk discarded: checksum mismatch";
            return created(tusError(460, QStringLiteral("checksum_mismatch"),
                                    QStringLiteral("The chunk's checksum does not match its bytes; it was discarded. "
                                                   "Send it again.")));
        }
    }

    const std::int64_t now = m_clock.nowMs();
    const std::int64_t offset = sink.m_offset + std::int64_t(sink.m_received);
    const std::int64_t expiresAt = now + m_settings.incompleteTtlMs;
    m_store.setOffset(upload.id, offset, now, expiresAt);

    HttpResponse answer = tusStatus(sink.m_kind == Sink::Kind::Create ? 201 : 204);
    answer.headers.emplace_back("Upload-Offset", std::to_string(offset));
    answer = created(std::move(answer));
    if (offset < upload.length) {
        answer.headers.emplace_back("Upload-Expires", httpDate(expiresAt));
        return answer;
    }
    UploadStore::Upload finished = upload;
    finished.offset = offset;
    return complete ? this->complete(finished, std::move(answer)) : answer;
}

HttpResponse UploadEndpoints::complete(const UploadStore::Upload &upload, HttpResponse answer)
{
    const std::int64_t now = m_clock.nowMs();
    const ReferenceProcessor::Outcome outcome = m_processor.process(upload, partialPath(upload.id), now);
    if (!outcome.reference) {
        m_store.markFailed(upload.id, outcome.errorCode, outcome.errorMessage, now);
        qCInfo(lcUploads) << "upload refused:" << outcome.errorCode;
        HttpResponse refused = tusError(outcome.status, outcome.errorCode, outcome.errorMessage);
        for (const auto &[name, value] : answer.headers) {
            if (name == "Location")
                refused.headers.emplace_back(name, value);
        }
        return refused;
    }
    m_store.markCompleted(upload.id, outcome.reference->id, now);
    answer.headers.emplace_back("Pygmi-Reference-Id", outcome.reference->id.toStdString());
    return answer;
}

HttpResponse UploadEndpoints::head(const HttpRequest &request)
{
    if (request.isHead) {
        if (auto failure = checkTusVersion(request))
            return *failure;
    }
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return withTus(std::move(*failure));
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    auto upload = GenerationRequest::isUuid(id) ? m_store.findUpload(caller.userId, id) : std::nullopt;
    if (!upload)
        return withTus(ApiError::notFound());
    if (upload->state == QLatin1String("failed"))
        return tusError(410, upload->errorCode, upload->errorMessage);
    if (upload->state == QLatin1String("receiving") && upload->expiresAt <= m_clock.nowMs()) {
        if (auto writer = acquireWriter(id)) {
            removeUpload(id);
            releaseWriter(id, writer);
        }
        return tusError(410, QStringLiteral("upload_expired"), QStringLiteral("This upload expired; start it again."));
    }
    const std::int64_t offset = durableOffset(*upload);
    upload->offset = offset;
    if (!request.isHead)
        return withTus(HttpResponse::json(200, UploadStore::toJson(*upload)));
    HttpResponse response = tusStatus(200);
    response.headers.emplace_back("Upload-Offset", std::to_string(offset));
    response.headers.emplace_back("Upload-Length", std::to_string(upload->length));
    if (upload->state == QLatin1String("receiving"))
        response.headers.emplace_back("Upload-Expires", httpDate(upload->expiresAt));
    else
        response.headers.emplace_back("Pygmi-Reference-Id", upload->referenceId.toStdString());
    return response;
}

HttpResponse UploadEndpoints::terminate(const HttpRequest &request)
{
    if (auto failure = checkTusVersion(request))
        return *failure;
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return withTus(std::move(*failure));
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto upload = GenerationRequest::isUuid(id) ? m_store.findUpload(caller.userId, id) : std::nullopt;
    if (!upload)
        return withTus(ApiError::notFound());
    auto writer = acquireWriter(id);
    if (!writer) {
        HttpResponse busy
            = tusError(423, QStringLiteral("upload_busy"),
                       QStringLiteral("Another request is still writing this upload. Try again shortly."));
        busy.headers.emplace_back("Retry-After", "1");
        return busy;
    }
    removeUpload(id);
    releaseWriter(id, writer);
    qCInfo(lcUploads) << "upload terminated";
    return tusStatus(204);
}

HttpResponse UploadEndpoints::listReferences(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    QJsonArray items;
    if (const auto sha = request.queryValue("sha256"); sha && !sha->empty()) {
        const QString wanted = QString::fromStdString(*sha).toLower();
        if (!isSha256Hex(wanted))
            return ApiError::validation({ { QStringLiteral("sha256"), QStringLiteral("invalid") } });
        if (const auto found = m_store.findReferenceBySha(caller.userId, wanted))
            items.append(UploadStore::toJson(*found));
    } else {
        int limit = kReferenceListMax;
        if (const auto raw = request.queryValue("limit")) {
            const auto parsed = parseCount(*raw);
            if (!parsed || *parsed < 1 || *parsed > kReferenceListMax)
                return ApiError::validation({ { QStringLiteral("limit"), QStringLiteral("out_of_range") } });
            limit = int(*parsed);
        }
        for (const auto &reference : m_store.listReferences(caller.userId, limit))
            items.append(UploadStore::toJson(reference));
    }
    const QJsonObject quota { { QStringLiteral("used_bytes"), qint64(m_store.usedBytes(caller.userId)) },
                              { QStringLiteral("limit_bytes"), qint64(m_settings.quotaBytes) },
                              { QStringLiteral("max_upload_bytes"), qint64(m_settings.maxUploadBytes) } };
    return HttpResponse::json(200,
                              QJsonObject { { QStringLiteral("items"), items }, { QStringLiteral("quota"), quota } });
}

HttpResponse UploadEndpoints::getReference(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto reference = GenerationRequest::isUuid(id) ? m_store.findReference(caller.userId, id) : std::nullopt;
    if (!reference)
        return ApiError::notFound();
    return HttpResponse::json(200, UploadStore::toJson(*reference));
}

HttpResponse UploadEndpoints::referenceThumbnail(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto reference = GenerationRequest::isUuid(id) ? m_store.findReference(caller.userId, id) : std::nullopt;
    if (!reference)
        return ApiError::notFound();
    const auto bytes = m_blobs.read(reference->thumbnailSha256);
    if (!bytes)
        return ApiError::notFound();
    HttpResponse response;
    response.contentType = "image/jpeg";
    response.headers.emplace_back("ETag", '"' + reference->thumbnailSha256.toStdString() + '"');
    response.headers.emplace_back("Cache-Control", "private, max-age=86400");
    response.body = bytes->toStdString();
    return response;
}

HttpResponse UploadEndpoints::deleteReference(const HttpRequest &request)
{
    AuthEndpoints::Caller caller;
    if (auto failure = m_auth.authenticate(request, &caller))
        return *failure;
    const QString id = QString::fromStdString(request.pathParams.at("id")).toLower();
    const auto deleted = GenerationRequest::isUuid(id) ? m_store.deleteReference(caller.userId, id) : std::nullopt;
    if (!deleted)
        return ApiError::notFound();
    releaseBlobs(*deleted);
    qCInfo(lcUploads) << "reference deleted";
    return HttpResponse::noContent();
}

int UploadEndpoints::releaseBlobs(const UploadStore::Reference &reference) const
{
    int removed = 0;
    const auto blobLock = m_blobs.lockReferences(); // see BlobStore: check and delete as one step
    for (const QString &sha : { reference.sha256, reference.thumbnailSha256 }) {
        if (!sha.isEmpty() && m_blobs.contains(sha) && !m_store.blobInUse(sha) && m_blobs.remove(sha))
            ++removed;
    }
    return removed;
}

UploadEndpoints::Erased UploadEndpoints::eraseUser(const QString &userId)
{
    Erased erased;
    for (const QString &id : m_store.uploadIdsOf(userId)) {
        // A request still writing this upload stops at its next piece.
        const auto writer = acquireWriter(id);
        if (!writer)
            throw std::runtime_error("an upload of the account is still being written");
        if (removeUpload(id))
            ++erased.files;
        releaseWriter(id, writer);
        ++erased.uploads;
    }
    for (const auto &reference : m_store.listReferences(userId, std::numeric_limits<int>::max())) {
        if (m_store.deleteReference(userId, reference.id)) {
            erased.files += releaseBlobs(reference);
            ++erased.references;
        }
    }
    return erased;
}

void UploadEndpoints::sweep()
{
    const std::int64_t now = m_clock.nowMs();
    int uploads = 0;
    for (const QString &id : m_store.expiredUploads(now)) {
        {
            std::lock_guard lock(m_writersMutex);
            if (m_writers.contains(id))
                continue; // being written right now; its expiry moves when the request ends
        }
        removeUpload(id);
        ++uploads;
    }
    int references = 0;
    for (const auto &reference : m_store.expiredReferences(now)) {
        if (m_store.deleteReference(reference.userId, reference.id)) {
            releaseBlobs(reference);
            ++references;
        }
    }
    if (uploads || references)
        qCInfo(lcUploads) << "swept" << uploads << "expired uploads and" << references << "expired references";
}

void UploadEndpoints::startSweeper()
{
    // Partial files whose upload row is gone (a crash between the two deletions) go first.
    try {
        const QDir dir(m_settings.uploadDir);
        for (const QString &name :
             dir.entryList({ QStringLiteral("*.part"), QStringLiteral("*.part.clean") }, QDir::Files)) {
            const QString id = name.section(u'.', 0, 0);
            if (!m_store.uploadExists(id) || name.endsWith(QStringLiteral(".clean")))
                QFile::remove(dir.filePath(name));
        }
        sweep();
    } catch (const std::exception &error) {
        qCWarning(lcUploads) << "start-up sweep failed:" << error.what();
    }
    m_sweeper = std::thread([this] {
        std::unique_lock lock(m_sweepMutex);
        while (!m_sweepStopping) {
            m_sweepWake.wait_for(lock, m_settings.sweepInterval, [this] { return m_sweepStopping; });
            if (m_sweepStopping)
                break;
            lock.unlock();
            try {
                sweep();
            } catch (const std::exception &error) {
                qCWarning(lcUploads) << "sweep failed:" << error.what();
            }
            lock.lock();
        }
        Database::closeThreadConnection();
    });
}

void UploadEndpoints::stopSweeper()
{
    {
        std::lock_guard lock(m_sweepMutex);
        m_sweepStopping = true;
    }
    m_sweepWake.notify_all();
    if (m_sweeper.joinable())
        m_sweeper.join();
}

} // namespace pygmi::server
