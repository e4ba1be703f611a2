#include "sso/BrowserWaitWidget.h"

#include "sso/SsoSignIn.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

BrowserWaitWidget::BrowserWaitWidget(const QString &prefix, QWidget *parent)
    : QFrame(parent)
    , m_status(new QLabel(this))
    , m_countdown(new QLabel(this))
    , m_linkRow(new QWidget(this))
    , m_link(new QLineEdit(m_linkRow))
    , m_copy(new QPushButton(tr("Copy link"), m_linkRow))
    , m_showLink(new QPushButton(tr("Browser did not open?"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(prefix + QStringLiteral("Wait"));
    setAccessibleName(tr("Waiting for the browser"));
    setFrameShape(QFrame::StyledPanel);
    m_status->setObjectName(prefix + QStringLiteral("WaitStatus"));
    m_status->setWordWrap(true);
    m_countdown->setObjectName(prefix + QStringLiteral("WaitCountdown"));
    m_countdown->setAccessibleName(tr("Time left"));
    m_link->setObjectName(prefix + QStringLiteral("LinkEdit"));
    m_link->setAccessibleName(tr("Sign-in link"));
    m_link->setReadOnly(true);
    m_copy->setObjectName(prefix + QStringLiteral("CopyLinkButton"));
    m_copy->setAccessibleName(tr("Copy link"));
    m_showLink->setObjectName(prefix + QStringLiteral("ShowLinkButton"));
    m_showLink->setAccessibleName(tr("Browser did not open?"));
    m_showLink->setFlat(true);
    m_cancel->setObjectName(prefix + QStringLiteral("CancelButton"));
    m_cancel->setAccessibleName(tr("Cancel sign-in"));

    auto *linkLayout = new QHBoxLayout(m_linkRow);
    linkLayout->setContentsMargins(0, 0, 0, 0);
    linkLayout->addWidget(m_link, 1);
    linkLayout->addWidget(m_copy);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_showLink);
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_status);
    layout->addWidget(m_countdown);
    layout->addWidget(m_linkRow);
    layout->addLayout(buttons);
    hide();

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &BrowserWaitWidget::update);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_link->text());
        m_copy->setText(tr("Copied"));
    });
    connect(m_showLink, &QPushButton::clicked, this, [this] {
        m_linkRow->show();
        m_showLink->hide();
        Q_EMIT layoutChanged();
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_signIn)
            m_signIn->cancel();
    });
}

void BrowserWaitWidget::follow(core::SsoSignIn *signIn, const QString &providerName)
{
    if (m_signIn)
        disconnect(m_signIn, nullptr, this, nullptr);
    m_signIn = signIn;
    m_provider = providerName;
    m_deadline = QDateTime::currentMSecsSinceEpoch() + signIn->timeoutMs();
    m_link->setText(signIn->authorizationUrl().toString(QUrl::FullyEncoded));
    m_link->setCursorPosition(0);
    m_copy->setText(tr("Copy link"));
    // Without a browser the link is the only way on: show it at once.
    m_linkRow->setVisible(!signIn->browserOpened());
    m_showLink->setVisible(signIn->browserOpened());
    connect(signIn, &core::SsoSignIn::stateChanged, this, &BrowserWaitWidget::update);
    m_tick.start();
    update();
}

void BrowserWaitWidget::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    fitStatus();
}

void BrowserWaitWidget::fitStatus()
{
    // Stacked pages ignore height-for-width: reserve the wrapped text's height explicitly.
    const int width = m_status->width() > 0 ? m_status->width() : contentsRect().width() - 20;
    if (width > 0)
        m_status->setMinimumHeight(m_status->heightForWidth(width));
}

void BrowserWaitWidget::update()
{
    if (!m_signIn || !m_signIn->isWaiting()) {
        m_tick.stop();
        if (isVisible()) {
            hide();
            Q_EMIT layoutChanged();
        }
        return;
    }
    const bool appearing = isHidden();
    show();
    if (appearing)
        Q_EMIT layoutChanged();
    if (m_signIn->state() == core::SsoSignIn::State::Exchanging) {
        m_status->setText(tr("Signing you in…"));
        m_countdown->hide();
        return;
    }
    m_status->setText(
        m_signIn->browserOpened()
            ? tr("Continue in your browser: sign in with %1 there, then come back here.").arg(m_provider)
            : tr("No browser opened. Copy this link into your browser to sign in with %1.").arg(m_provider));
    const qint64 left = qMax<qint64>(0, (m_deadline - QDateTime::currentMSecsSinceEpoch() + 999) / 1000);
    fitStatus();
    m_countdown->setText(
        tr("Waiting for the browser (%1:%2 left)").arg(left / 60).arg(left % 60, 2, 10, QLatin1Char('0')));
    m_countdown->show();
}

} // namespace pygmi::ui
