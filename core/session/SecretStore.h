#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace pygmi::core {

// The only place where secrets (refresh tokens, the per-install secret of the local
// profile) are kept: the OS keychain through QtKeychain. There is no plaintext fallback.
// When no keychain works, secrets live in this object's memory only, and
// isPersistent() says so, so the UI can tell the user they will have to sign in again.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    enum class Status { Unknown, Persistent, MemoryOnly };
    Q_ENUM(Status)

    explicit SecretStore(const QString &service = QStringLiteral("Pygmi Studio"), QObject *parent = nullptr);

    // Checks once (asynchronously) that a write, a read and a delete work; a keychain that
    // is locked reads "not found" but fails writes, so reads alone prove nothing.
    void probe();
    Status status() const { return m_status; }
    bool isPersistent() const { return m_status == Status::Persistent; }

    using WriteCallback = std::function<void(bool persisted, const QString &error)>;
    using ReadCallback = std::function<void(std::optional<QByteArray> secret, const QString &error)>;
    using RemoveCallback = std::function<void(bool ok)>;

    void write(const QString &key, const QByteArray &secret, QObject *context, WriteCallback done);
    void read(const QString &key, QObject *context, ReadCallback done);
    void remove(const QString &key, QObject *context, RemoveCallback done);

    // How long probe() waits for the keychain before settling on MemoryOnly: a D-Bus
    // activation that hangs must not stall sign-in forever.
    void setProbeTimeout(int milliseconds) { m_probeTimeoutMs = milliseconds; }
    static constexpr int kDefaultProbeTimeoutMs = 8000;

Q_SIGNALS:
    void statusChanged(pygmi::core::SecretStore::Status status);

private:
    void finishProbe(Status status, const QString &why);
    // Runs `operation` now if the probe has settled, else once it has (starting it if needed).
    void whenProbed(std::function<void()> operation);

    QString m_service;
    Status m_status = Status::Unknown;
    // Every secret while MemoryOnly; while Persistent only a key whose keychain write failed,
    // so the running session keeps working. Never written anywhere.
    QHash<QString, QByteArray> m_memory;
    QList<std::function<void()>> m_waitingForProbe;
    bool m_probing = false;
    int m_probeTimeoutMs = kDefaultProbeTimeoutMs;
    quint64 m_probeRun = 0;
};

} // namespace pygmi::core
