#include "sso/ConnectedSignInsBox.h"

#include "common/MessageBox.h"
#include "sso/BrowserWaitWidget.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace pygmi::ui {

ConnectedSignInsBox::ConnectedSignInsBox(core::SsoService *sso, QWidget *parent)
    : QGroupBox(tr("Connected sign-ins"), parent)
    , m_sso(sso)
    , m_list(new QTreeWidget(this))
    , m_empty(new QLabel(tr("No identity provider is connected. You sign in with your email and password."), this))
    , m_providerCombo(new QComboBox(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_disconnect(new QPushButton(tr("Disconnect"), this))
    , m_wait(new BrowserWaitWidget(QStringLiteral("connect"), this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("connectedSignInsGroup"));
    m_list->setObjectName(QStringLiteral("connectedSignInsList"));
    m_list->setAccessibleName(tr("Connected sign-ins"));
    m_list->setHeaderLabels({ tr("Provider"), tr("Account"), tr("Last used") });
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setObjectName(QStringLiteral("connectedSignInsHeader"));
    m_list->header()->setAccessibleName(tr("Columns"));
    m_list->setMaximumHeight(120);
    m_empty->setObjectName(QStringLiteral("connectedSignInsEmpty"));
    m_empty->setWordWrap(true);
    m_providerCombo->setObjectName(QStringLiteral("connectProviderCombo"));
    m_providerCombo->setAccessibleName(tr("Identity provider to connect"));
    m_connect->setObjectName(QStringLiteral("connectSignInButton"));
    m_connect->setAccessibleName(tr("Connect a sign-in"));
    m_disconnect->setObjectName(QStringLiteral("disconnectSignInButton"));
    m_disconnect->setAccessibleName(tr("Disconnect the selected sign-in"));
    m_message->setObjectName(QStringLiteral("connectedSignInsMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *row = new QHBoxLayout;
    row->addWidget(m_providerCombo, 1);
    row->addWidget(m_connect);
    row->addStretch(); // takes the room when every provider is connected (no combo)
    row->addWidget(m_disconnect);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(m_empty);
    layout->addLayout(row);
    layout->addWidget(m_wait);
    layout->addWidget(m_message);

    connect(m_connect, &QPushButton::clicked, this, &ConnectedSignInsBox::connectSelected);
    connect(m_disconnect, &QPushButton::clicked, this, &ConnectedSignInsBox::disconnectSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &ConnectedSignInsBox::updateButtons);
    connect(m_sso, &core::SsoService::identitiesChanged, this, &ConnectedSignInsBox::reload);
    hide(); // until the server says it offers providers
    reload();
}

void ConnectedSignInsBox::reload()
{
    m_sso->fetchProviders(this, [this](const QList<core::SsoService::Provider> &providers, const core::ApiError &) {
        m_providers = providers;
        m_sso->fetchIdentities(
            this,
            [this](const QList<core::SsoService::Identity> &identities, bool hasPassword, const core::ApiError &error) {
                if (error) {
                    m_message->setText(core::SsoService::messageFor(error));
                    m_message->show();
                    return;
                }
                m_identities = identities;
                m_hasPassword = hasPassword;
                // Offer the providers that are not connected yet.
                m_providerCombo->clear();
                for (const auto &provider : std::as_const(m_providers)) {
                    const bool connected = std::any_of(identities.begin(), identities.end(), [&](const auto &identity) {
                        return identity.providerId == provider.id;
                    });
                    if (!connected)
                        m_providerCombo->addItem(provider.displayName, provider.id);
                }
                m_providerCombo->setVisible(m_providerCombo->count() > 0);
                m_connect->setVisible(m_providerCombo->count() > 0);
                m_list->clear();
                const QLocale locale;
                for (const auto &identity : identities) {
                    auto *item = new QTreeWidgetItem(m_list);
                    item->setText(0, identity.providerName);
                    item->setText(1, identity.email.isEmpty() ? identity.name : identity.email);
                    item->setText(2,
                                  identity.lastUsedAt.isValid()
                                      ? locale.toString(identity.lastUsedAt.toLocalTime(), QLocale::ShortFormat)
                                      : tr("Never"));
                    item->setData(0, Qt::UserRole, identity.id);
                }
                m_empty->setText(hasPassword ? tr("No identity provider is connected. You sign in with your email and "
                                                  "password.")
                                             : tr("No identity provider is connected."));
                m_list->setVisible(!identities.isEmpty());
                m_empty->setVisible(identities.isEmpty());
                setVisible(!m_providers.isEmpty() || !identities.isEmpty());
                updateButtons();
            });
    });
}

void ConnectedSignInsBox::updateButtons()
{
    const bool waiting = m_signIn && m_signIn->isWaiting();
    m_connect->setEnabled(!waiting && m_providerCombo->count() > 0);
    m_providerCombo->setEnabled(!waiting);
    const bool selected = !m_list->selectedItems().isEmpty();
    const bool last = !m_hasPassword && m_identities.size() <= 1;
    m_disconnect->setEnabled(!waiting && selected && !last);
    m_disconnect->setToolTip(last ? tr("This is the only way to sign in to your account. Connect another sign-in "
                                       "first.")
                                  : QString());
}

void ConnectedSignInsBox::connectSelected()
{
    const QString id = m_providerCombo->currentData().toString();
    if (id.isEmpty() || (m_signIn && m_signIn->isWaiting()))
        return;
    m_message->hide();
    if (m_signIn)
        m_signIn->deleteLater();
    m_signIn = m_sso->begin(id, core::SsoSignIn::Purpose::Link, this);
    const QString name = m_providerCombo->currentText();
    connect(m_signIn, &core::SsoSignIn::browserReturned, this, [this] {
        if (QWidget *top = window()) {
            top->raise();
            top->activateWindow();
        }
    });
    connect(m_signIn, &core::SsoSignIn::finished, this, [this, name] {
        updateButtons();
        if (!m_signIn)
            return;
        if (m_signIn->state() == core::SsoSignIn::State::Linked) {
            m_message->setText(tr("%1 is now connected. You can use it to sign in.").arg(name));
            m_message->show();
        } else if (m_signIn->state() != core::SsoSignIn::State::Cancelled) {
            m_message->setText(core::SsoService::messageFor(m_signIn->error()));
            m_message->show();
        }
    });
    if (!m_signIn->isFinished())
        m_wait->follow(m_signIn, name);
    else
        Q_EMIT m_signIn->finished();
    updateButtons();
}

void ConnectedSignInsBox::disconnectSelected()
{
    const QList<QTreeWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty())
        return;
    const QString id = selected.first()->data(0, Qt::UserRole).toString();
    const QString provider = selected.first()->text(0);
    if (MessageBox::question(
            this, tr("Disconnect %1?").arg(provider),
            tr("You will no longer be able to sign in with %1. You can connect it again later.").arg(provider),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
        != QMessageBox::Yes)
        return;
    m_disconnect->setEnabled(false);
    m_sso->unlink(id, this, [this, provider](const core::ApiError &error) {
        m_message->setText(error ? core::SsoService::messageFor(error) : tr("%1 was disconnected.").arg(provider));
        m_message->show();
        updateButtons();
    });
}

} // namespace pygmi::ui
