#include "sso/SsoPanel.h"

#include "sso/BrowserWaitWidget.h"

#include <QApplication>
#include <QFrame>
#include <QPainter>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

// A round badge with the provider's initial. Icons named by the server are not fetched: the app
// makes no request to a third party before the person chose to sign in there.
QIcon providerBadge(const core::SsoService::Provider &provider)
{
    const qreal ratio = qApp->devicePixelRatio();
    QPixmap pixmap(QSize(20, 20) * ratio);
    pixmap.setDevicePixelRatio(ratio);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const int hue = int(qHash(provider.id) % 360);
    painter.setBrush(QColor::fromHsl(hue, 140, 110));
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QRectF(0, 0, 20, 20));
    QFont font = painter.font();
    font.setBold(true);
    font.setPixelSize(11);
    painter.setFont(font);
    painter.setPen(Qt::white);
    painter.drawText(QRectF(0, 0, 20, 20), Qt::AlignCenter, provider.displayName.left(1).toUpper());
    return QIcon(pixmap);
}

} // namespace

SsoPanel::SsoPanel(core::SsoService *sso, QWidget *parent)
    : QWidget(parent)
    , m_sso(sso)
    , m_buttons(new QWidget(this))
    , m_buttonLayout(new QVBoxLayout(m_buttons))
    , m_wait(new BrowserWaitWidget(QStringLiteral("sso"), this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("ssoPanel"));
    setAccessibleName(tr("Single sign-on"));
    auto *divider = new QHBoxLayout;
    const auto line = [this] {
        auto *frame = new QFrame(this);
        frame->setFrameShape(QFrame::HLine);
        frame->setFrameShadow(QFrame::Sunken);
        return frame;
    };
    auto *orLabel = new QLabel(tr("or"), this);
    orLabel->setObjectName(QStringLiteral("ssoOrLabel"));
    divider->addWidget(line(), 1);
    divider->addWidget(orLabel);
    divider->addWidget(line(), 1);
    m_buttonLayout->setContentsMargins(0, 0, 0, 0);
    m_buttonLayout->setSpacing(8);
    m_error->setObjectName(QStringLiteral("ssoErrorLabel"));
    m_error->setAccessibleName(tr("Single sign-on problem"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d6334a;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(10);
    layout->addLayout(divider);
    layout->addWidget(m_buttons);
    layout->addWidget(m_wait);
    layout->addWidget(m_error);
    connect(m_wait, &BrowserWaitWidget::layoutChanged, this, &SsoPanel::layoutChanged);
    hide();
}

void SsoPanel::refresh()
{
    cancel();
    m_error->hide();
    m_sso->fetchProviders(this, [this](const QList<core::SsoService::Provider> &providers, const core::ApiError &) {
        // No providers (or an older server without the route): email sign-in only.
        m_providers = providers;
        while (QLayoutItem *item = m_buttonLayout->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        for (const core::SsoService::Provider &provider : providers) {
            auto *button = new QPushButton(tr("Continue with %1").arg(provider.displayName), m_buttons);
            button->setObjectName(QStringLiteral("ssoProviderButton_") + provider.id);
            button->setIcon(providerBadge(provider));
            button->setIconSize(QSize(20, 20));
            button->setAccessibleName(button->text());
            button->setMinimumHeight(34);
            button->setStyleSheet(
                QStringLiteral("QPushButton { border: 1px solid palette(mid); border-radius: 5px; padding: 6px 12px;"
                               " background: palette(base); }"
                               "QPushButton:hover, QPushButton:focus { border: 2px solid palette(highlight); }"));
            connect(button, &QPushButton::clicked, this, [this, provider] { begin(provider); });
            m_buttonLayout->addWidget(button);
        }
        setVisible(!providers.isEmpty());
        Q_EMIT layoutChanged();
    });
}

bool SsoPanel::isWaiting() const
{
    return m_signIn && m_signIn->isWaiting();
}

void SsoPanel::cancel()
{
    if (m_signIn)
        m_signIn->cancel();
}

void SsoPanel::begin(const core::SsoService::Provider &provider)
{
    if (isWaiting())
        return;
    m_error->hide();
    m_buttons->setEnabled(false);
    if (m_signIn)
        m_signIn->deleteLater();
    m_signIn = m_sso->begin(provider.id, core::SsoSignIn::Purpose::SignIn, this);
    connect(m_signIn, &core::SsoSignIn::browserReturned, this, [this] {
        // The person is in the browser: bring the app back in front of it.
        if (QWidget *top = window()) {
            top->show();
            top->raise();
            top->activateWindow();
        }
    });
    connect(m_signIn, &core::SsoSignIn::finished, this, &SsoPanel::onFinished);
    if (m_signIn->isFinished()) { // failed at once (no listener)
        onFinished();
        return;
    }
    m_wait->follow(m_signIn, provider.displayName);
    Q_EMIT waitingChanged(true);
}

void SsoPanel::onFinished()
{
    core::SsoSignIn *signIn = m_signIn;
    if (!signIn)
        return;
    m_buttons->setEnabled(true);
    Q_EMIT waitingChanged(false);
    switch (signIn->state()) {
    case core::SsoSignIn::State::SignedIn:
        Q_EMIT signedIn();
        break;
    case core::SsoSignIn::State::NeedsSignUp:
        Q_EMIT signUpNeeded(signIn->pending());
        break;
    case core::SsoSignIn::State::NeedsLink:
        Q_EMIT linkNeeded(signIn->pending());
        break;
    case core::SsoSignIn::State::Cancelled:
        break;
    default:
        m_error->setText(core::SsoService::messageFor(signIn->error()));
        m_error->setAccessibleDescription(m_error->text());
        m_error->show();
        break;
    }
    Q_EMIT layoutChanged();
}

} // namespace pygmi::ui
