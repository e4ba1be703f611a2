#include "session/SecretStore.h"

#include "Guarded.h"
#include "Logging.h"

#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace pygmi::core {

namespace {

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return raw.toHex();
}

// Each job is configured here so that no code path can forget the one setting that matters:
// the insecure fallback stays off (on the KWallet path it would write plaintext).
template<typename Job>
Job *makeJob(const QString &service, const QString &key)
{
    auto *job = new Job(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

} // namespace

SecretStore::SecretStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

void SecretStore::probe()
{
    if (m_status != Status::Unknown || m_probing)
        return;
    m_probing = true;
    const quint64 run = ++m_probeRun;
    // A unique key per probe: two app instances (or tests) probing at once must not read
    // each other's value.
    const QString key = QStringLiteral("keychain-probe:%1").arg(QString::fromLatin1(randomHex(8)));
    const QByteArray value = randomHex(16);
    qCDebug(lcSession) << "probing the system keychain";

    QTimer::singleShot(m_probeTimeoutMs, this, [this, run] {
        if (m_probing && run == m_probeRun)
            finishProbe(Status::MemoryOnly, QStringLiteral("the keychain did not answer in time"));
    });

    auto *write = makeJob<QKeychain::WritePasswordJob>(m_service, key);
    write->setBinaryData(value);
    connect(write, &QKeychain::Job::finished, this, [this, run, key, value](QKeychain::Job *job) {
        if (!m_probing || run != m_probeRun)
            return;
        if (job->error() != QKeychain::NoError) {
            finishProbe(Status::MemoryOnly,
                        QStringLiteral("write failed (%1): %2").arg(job->error()).arg(job->errorString()));
            return;
        }
        auto *read = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
        connect(read, &QKeychain::Job::finished, this, [this, run, key, value](QKeychain::Job *job) {
            if (!m_probing || run != m_probeRun)
                return;
            auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(job);
            if (job->error() != QKeychain::NoError || readJob->binaryData() != value) {
                finishProbe(Status::MemoryOnly, QStringLiteral("read back failed (%1): %2")
                                                    .arg(job->error())
                                                    .arg(job->errorString()));
                return;
            }
            auto *remove = makeJob<QKeychain::DeletePasswordJob>(m_service, key);
            connect(remove, &QKeychain::Job::finished, this, [this, run](QKeychain::Job *job) {
                if (!m_probing || run != m_probeRun)
                    return;
                if (job->error() != QKeychain::NoError) {
                    finishProbe(Status::MemoryOnly,
                                QStringLiteral("delete failed (%1): %2").arg(job->error()).arg(job->errorString()));
                    return;
                }
                finishProbe(Status::Persistent, {});
            });
            remove->start();
        });
        read->start();
    });
    write->start();
}

void SecretStore::finishProbe(Status status, const QString &why)
{
    m_probing = false;
    m_status = status;
    if (status == Status::Persistent)
        qCInfo(lcSession) << "system keychain available; secrets are kept there";
    else
        qCWarning(lcSession) << "system keychain unavailable; secrets stay in memory only:" << why;
    emit statusChanged(status);
    const auto waiting = std::exchange(m_waitingForProbe, {});
    for (const auto &operation : waiting)
        operation();
}

void SecretStore::whenProbed(std::function<void()> operation)
{
    if (m_status != Status::Unknown) {
        operation();
        return;
    }
    m_waitingForProbe.append(std::move(operation));
    probe();
}

void SecretStore::write(const QString &key, const QByteArray &secret, QObject *context, WriteCallback done)
{
    auto callback = guarded(context, std::move(done));
    whenProbed([this, key, secret, callback] {
        if (m_status != Status::Persistent) {
            m_memory.insert(key, secret);
            callback(false, QString());
            return;
        }
        auto *job = makeJob<QKeychain::WritePasswordJob>(m_service, key);
        job->setBinaryData(secret);
        connect(job, &QKeychain::Job::finished, this, [this, key, secret, callback](QKeychain::Job *job) {
            if (job->error() == QKeychain::NoError) {
                m_memory.remove(key);
                callback(true, QString());
                return;
            }
            // Kept for this run only; the caller learns that it will not survive a restart.
            qCWarning(lcSession) << "keychain write failed:" << job->error() << job->errorString();
            m_memory.insert(key, secret);
            callback(false, job->errorString());
        });
        job->start();
    });
}

void SecretStore::read(const QString &key, QObject *context, ReadCallback done)
{
    auto callback = guarded(context, std::move(done));
    whenProbed([this, key, callback] {
        if (m_memory.contains(key) || m_status != Status::Persistent) {
            const auto it = m_memory.constFind(key);
            callback(it == m_memory.constEnd() ? std::nullopt : std::optional<QByteArray>(*it), QString());
            return;
        }
        auto *job = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
        connect(job, &QKeychain::Job::finished, this, [callback](QKeychain::Job *job) {
            if (job->error() == QKeychain::NoError) {
                callback(static_cast<QKeychain::ReadPasswordJob *>(job)->binaryData(), QString());
            } else if (job->error() == QKeychain::EntryNotFound) {
                callback(std::nullopt, QString());
            } else {
                qCWarning(lcSession) << "keychain read failed:" << job->error() << job->errorString();
                callback(std::nullopt, job->errorString());
            }
        });
        job->start();
    });
}

void SecretStore::remove(const QString &key, QObject *context, RemoveCallback done)
{
    auto callback = guarded(context, std::move(done));
    whenProbed([this, key, callback] {
        m_memory.remove(key);
        if (m_status != Status::Persistent) {
            callback(true);
            return;
        }
        auto *job = makeJob<QKeychain::DeletePasswordJob>(m_service, key);
        connect(job, &QKeychain::Job::finished, this, [callback](QKeychain::Job *job) {
            const bool ok = job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound;
            if (!ok)
                qCWarning(lcSession) << "keychain delete failed:" << job->error() << job->errorString();
            callback(ok);
        });
        job->start();
    });
}

} // namespace pygmi::core
