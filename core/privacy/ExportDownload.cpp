#include "ExportDownload.h"

#include "Logging.h"
#include "ZipReader.h"
#include "api/ApiClient.h"

#include <QCryptographicHash>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtConcurrent>

namespace pygmi::core {

ExportDownload::ExportDownload(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{ }

void ExportDownload::setState(State state)
{
    m_state = state;
    emit stateChanged(state);
}

void ExportDownload::start(const QString &url, const QString &sha256, qint64 bytes, const QString &destination)
{
    m_url = url;
    m_sha256 = sha256;
    m_total = bytes;
    m_destination = destination;
    m_error = {};
    m_problem.clear();
    m_part = std::make_unique<QFile>(destination + QStringLiteral(".part"));
    // A part file of another archive (different size so far than possible) starts over.
    if (!m_part->open(QIODevice::ReadWrite) || m_part->size() > bytes) {
        m_part->close();
        m_part->remove();
        if (!m_part->open(QIODevice::ReadWrite)) {
            m_problem = m_part->errorString();
            setState(State::Failed);
            return;
        }
    }
    m_received = m_part->size();
    m_part->seek(m_received);
    setState(State::Downloading);
    fetchNext();
}

void ExportDownload::fetchNext()
{
    if (m_received >= m_total) {
        finishDownload();
        return;
    }
    const qint64 last = qMin(m_total, m_received + kPieceBytes) - 1;
    ApiRequest request;
    request.path = m_url;
    request.idempotent = true;
    request.timeoutMs = 120000;
    request.headers
        = { { "Range", QByteArray("bytes=") + QByteArray::number(m_received) + '-' + QByteArray::number(last) },
            // Only continue the same archive; another version would be sent whole.
            { "If-Range", '"' + m_sha256.toLatin1() + '"' } };
    request.sink = m_part.get();
    const qint64 before = m_received;
    m_api->send(request, this, [this, before](const ApiResponse &response) {
        if (!response.ok()) {
            m_error = response.error;
            m_part->flush();
            setState(response.httpStatus == 410 ? State::Expired : State::Failed);
            return;
        }
        m_part->flush();
        if (response.httpStatus == 200) { // whole file arrived instead of a piece: it starts at 0
            m_part->close();
            m_problem = QStringLiteral("unexpected full answer");
            m_part->remove();
            setState(State::Failed);
            return;
        }
        m_received = m_part->size();
        if (m_received <= before) {
            m_problem = QStringLiteral("no progress");
            setState(State::Failed);
            return;
        }
        emit progress(m_received, m_total);
        fetchNext();
    });
}

void ExportDownload::finishDownload()
{
    m_part->close();
    setState(State::Verifying);
    const QString part = m_part->fileName();
    const QString expected = m_sha256;
    auto *watcher = new QFutureWatcher<Verification>(this);
    connect(watcher, &QFutureWatcher<Verification>::finished, this, [this, watcher, part] {
        const Verification result = watcher->result();
        watcher->deleteLater();
        m_filesChecked = result.filesChecked;
        if (!result.ok) {
            m_problem = result.problem;
            QFile::remove(part); // a corrupt download is not kept to be resumed
            setState(State::Failed);
            return;
        }
        QFile::remove(m_destination);
        if (!QFile::rename(part, m_destination)) {
            m_problem = QStringLiteral("cannot rename the finished file");
            setState(State::Failed);
            return;
        }
        setState(State::Verified);
    });
    watcher->setFuture(QtConcurrent::run([part, expected] { return verify(part, expected); }));
}

ExportDownload::Verification ExportDownload::verify(const QString &path, const QString &expectedSha256)
{
    Verification result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.problem = file.errorString();
        return result;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    file.close();
    if (QString::fromLatin1(hash.result().toHex()) != expectedSha256) {
        result.problem = QStringLiteral("the archive's checksum does not match");
        return result;
    }
    ZipReader zip;
    if (!zip.open(path)) {
        result.problem = zip.errorString();
        return result;
    }
    const QJsonObject manifest = QJsonDocument::fromJson(zip.read(QStringLiteral("manifest.json"))).object();
    const QJsonArray files = manifest.value(QLatin1String("files")).toArray();
    if (files.isEmpty()) {
        result.problem = QStringLiteral("manifest.json is missing");
        return result;
    }
    for (const QJsonValue &value : files) {
        const QJsonObject entry = value.toObject();
        const QString name = entry.value(QLatin1String("path")).toString();
        if (zip.sha256(name) != entry.value(QLatin1String("sha256")).toString()) {
            result.problem = QStringLiteral("%1 does not match its checksum").arg(name);
            return result;
        }
        ++result.filesChecked;
    }
    result.ok = true;
    return result;
}

} // namespace pygmi::core
