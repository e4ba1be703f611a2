#include "privacy/PrivacySettingsSection.h"

#include "privacy/ConsentManager.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

QString purposeTitle(const core::PrivacyNotice &notice, const QString &id)
{
    const QString title = notice.purpose(id).title;
    if (!title.isEmpty() && title != id)
        return title;
    if (id == u"analytics")
        return PrivacySettingsSection::tr("Analytics");
    if (id == u"advertising")
        return PrivacySettingsSection::tr("Advertising");
    if (id == u"model_training")
        return PrivacySettingsSection::tr("Use my content to improve models");
    if (id == u"marketing_email")
        return PrivacySettingsSection::tr("Product emails");
    if (id == u"sale_share")
        return PrivacySettingsSection::tr("Sale or sharing of personal information");
    return id;
}

QString methodText(const QString &method)
{
    if (method == u"accept_all")
        return PrivacySettingsSection::tr("Accept all");
    if (method == u"reject_all")
        return PrivacySettingsSection::tr("Reject all");
    if (method == u"save_choices")
        return PrivacySettingsSection::tr("Save my choices");
    if (method == u"toggle")
        return PrivacySettingsSection::tr("switch in Settings");
    if (method == u"withdraw")
        return PrivacySettingsSection::tr("withdrawn in Settings");
    if (method == u"gpc")
        return PrivacySettingsSection::tr("Global Privacy Control");
    if (method == u"dismiss")
        return PrivacySettingsSection::tr("dialog closed");
    return method;
}

} // namespace

PrivacySettingsSection::PrivacySettingsSection(core::ConsentManager *consent, QWidget *parent)
    : QGroupBox(tr("Privacy && consent"), parent)
    , m_consent(consent)
    , m_necessary(new QLabel(this))
    , m_doNotSell(new QCheckBox(tr("Do not sell or share my personal information"), this))
    , m_gpc(new QCheckBox(tr("Send Global Privacy Control"), this))
    , m_optOut(new QLabel(this))
    , m_sync(new QLabel(this))
    , m_notice(new QLabel(this))
{
    setObjectName(QStringLiteral("privacyConsentGroup"));
    setAccessibleName(tr("Privacy and consent"));
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(6);

    m_necessary->setObjectName(QStringLiteral("necessaryLabel"));
    m_necessary->setWordWrap(true);
    layout->addWidget(m_necessary);

    for (const QString &id : core::consentPurposeIds()) {
        auto *box = new QCheckBox(this);
        box->setObjectName(QStringLiteral("settingsPurpose_") + id);
        auto *description = new QLabel(this);
        description->setObjectName(QStringLiteral("settingsPurposeDescription_") + id);
        description->setWordWrap(true);
        description->setContentsMargins(24, 0, 0, 4);
        description->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(box);
        layout->addWidget(description);
        m_boxes.insert(id, box);
        m_descriptions.insert(id, description);
        // clicked, not toggled: only a person's click records a choice.
        connect(box, &QCheckBox::clicked, this, [this, id](bool checked) { m_consent->setChoice(id, checked); });
    }

    m_doNotSell->setObjectName(QStringLiteral("doNotSellCheck"));
    m_doNotSell->setAccessibleName(m_doNotSell->text());
    m_gpc->setObjectName(QStringLiteral("gpcCheck"));
    m_gpc->setAccessibleName(m_gpc->text());
    m_gpc->setToolTip(tr("Adds the \"Sec-GPC: 1\" signal to every request this app makes, which the server treats "
                         "as an opt-out of sale and sharing."));
    m_optOut->setObjectName(QStringLiteral("optOutLabel"));
    m_optOut->setWordWrap(true);
    layout->addSpacing(6);
    layout->addWidget(m_doNotSell);
    layout->addWidget(m_gpc);
    layout->addWidget(m_optOut);
    connect(m_doNotSell, &QCheckBox::clicked, this, [this](bool checked) { m_consent->setDoNotSell(checked); });
    connect(m_gpc, &QCheckBox::clicked, this, [this](bool checked) { m_consent->setGpcEnabled(checked); });

    m_sync->setObjectName(QStringLiteral("consentSyncLabel"));
    m_sync->setWordWrap(true);
    m_notice->setObjectName(QStringLiteral("noticeVersionLabel"));
    m_notice->setWordWrap(true);
    layout->addSpacing(6);
    layout->addWidget(m_sync);
    layout->addWidget(m_notice);
    auto *readNotice = new QPushButton(tr("Read the privacy notice"), this);
    readNotice->setObjectName(QStringLiteral("readNoticeButton"));
    readNotice->setAccessibleName(readNotice->text());
    auto *history = new QPushButton(tr("History of my choices…"), this);
    history->setObjectName(QStringLiteral("consentHistoryButton"));
    history->setAccessibleName(tr("History of my choices"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(readNotice);
    buttons->addWidget(history);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(readNotice, &QPushButton::clicked, this, &PrivacySettingsSection::showNotice);
    connect(history, &QPushButton::clicked, this, &PrivacySettingsSection::showHistory);

    connect(m_consent, &core::ConsentManager::changed, this, &PrivacySettingsSection::update);
    connect(m_consent, &core::ConsentManager::noticeChanged, this, &PrivacySettingsSection::update);
    connect(m_consent, &core::ConsentManager::syncStateChanged, this, &PrivacySettingsSection::update);
    connect(m_consent, &core::ConsentManager::questionsChanged, this, &PrivacySettingsSection::update);
    update();
}

void PrivacySettingsSection::update()
{
    const core::PrivacyNotice notice = m_consent->notice();
    const core::PrivacyNotice::PurposeText necessary = notice.purpose(QStringLiteral("necessary"));
    m_necessary->setText(tr("%1: always on. %2")
                             .arg(necessary.title == u"necessary" ? tr("Strictly necessary") : necessary.title,
                                  necessary.description.isEmpty()
                                      ? tr("Sign-in, security and the features you use cannot work without it.")
                                      : necessary.description));
    const bool optedOut = m_consent->doNotSell() || m_consent->gpcEnabled() || m_consent->optOutHonoured();
    for (auto it = m_boxes.constBegin(); it != m_boxes.constEnd(); ++it) {
        QCheckBox *box = it.value();
        const QString title = purposeTitle(notice, it.key());
        box->setText(title);
        box->setAccessibleName(title);
        const auto state = m_consent->purposeState(it.key());
        QSignalBlocker blocker(box);
        box->setChecked(m_consent->isGranted(it.key()));
        QString description = notice.purpose(it.key()).description;
        if (state.stale || state.expired)
            description += QLatin1Char(' ') + tr("(Needs your answer again: counted as off until then.)");
        if (it.key() == u"advertising" && optedOut) {
            box->setChecked(false);
            box->setEnabled(false);
            description += QLatin1Char(' ') + tr("(Off while you opt out of sale and sharing.)");
        } else {
            box->setEnabled(true);
        }
        m_descriptions.value(it.key())->setText(description);
        box->setAccessibleDescription(description);
    }
    {
        QSignalBlocker a(m_doNotSell);
        QSignalBlocker b(m_gpc);
        // A standing opt-out on the server shows as on; switching it off lifts it.
        m_doNotSell->setChecked(m_consent->doNotSell() || m_consent->optOutHonoured());
        m_gpc->setChecked(m_consent->gpcEnabled());
    }
    if (m_consent->optOutHonoured())
        m_optOut->setText(tr("Opt-out honoured: the server has recorded that your information must not be sold or "
                             "shared, and advertising is off."));
    else if (m_consent->doNotSell() || m_consent->gpcEnabled())
        m_optOut->setText(tr("Opt-out on: it will be confirmed as soon as the server is reached."));
    else
        m_optOut->setText(tr("Pygmi does not sell your information. Switch one of these on to record a standing "
                             "opt-out anyway."));
    const int pending = m_consent->pendingSyncCount();
    m_sync->setVisible(pending > 0);
    m_sync->setText(tr("%n change(s) apply already on this computer and will be sent to the server when it is "
                       "reachable.",
                       nullptr, pending));
    m_notice->setText(notice.isValid()
                          ? tr("Privacy notice: version %1, in force since %2.")
                                .arg(notice.version, QLocale().toString(notice.effectiveDate, QLocale::LongFormat))
                          : tr("The privacy notice is loaded when the server is reached."));
}

void PrivacySettingsSection::showNotice()
{
    const core::PrivacyNotice notice = m_consent->notice();
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("privacyNoticeDialog"));
    dialog->setWindowTitle(notice.title.isEmpty() ? tr("Privacy notice") : notice.title);
    dialog->setAccessibleName(dialog->windowTitle());
    auto *text = new QTextBrowser(dialog);
    text->setObjectName(QStringLiteral("privacyNoticeText"));
    text->setAccessibleName(tr("Privacy notice text"));
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p>")
                       .arg(notice.title.toHtmlEscaped(),
                            tr("Version %1, in force since %2.")
                                .arg(notice.version.toHtmlEscaped(), notice.effectiveDate.toString(Qt::ISODate)));
    html += QStringLiteral("<p>%1</p>").arg(notice.text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
    html += QStringLiteral("<h3>%1</h3><table border=1 cellpadding=4>").arg(tr("How long things are kept"));
    for (const QJsonValue &row : notice.retention) {
        const QJsonObject r = row.toObject();
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>")
                    .arg(r.value(QLatin1String("category")).toString().toHtmlEscaped(),
                         r.value(QLatin1String("period")).toString().toHtmlEscaped(),
                         r.value(QLatin1String("notes")).toString().toHtmlEscaped());
    }
    html += QStringLiteral("</table><h3>%1</h3><ul>").arg(tr("Who processes it, and where"));
    for (const QJsonValue &row : notice.processors) {
        const QJsonObject r = row.toObject();
        html += QStringLiteral("<li>%1: %2 (%3)</li>")
                    .arg(r.value(QLatin1String("name")).toString().toHtmlEscaped(),
                         r.value(QLatin1String("role")).toString().toHtmlEscaped(),
                         r.value(QLatin1String("region")).toString().toHtmlEscaped());
    }
    html += QStringLiteral("</ul><h3>%1</h3><p>%2<br>%3<br>%4</p><p>%5: %6</p>")
                .arg(tr("Contact"), notice.contact.value(QLatin1String("controller")).toString().toHtmlEscaped(),
                     notice.contact.value(QLatin1String("email")).toString().toHtmlEscaped(),
                     notice.contact.value(QLatin1String("address")).toString().toHtmlEscaped(),
                     tr("Supervisory authority"),
                     notice.supervisoryAuthority.value(QLatin1String("name")).toString().toHtmlEscaped());
    text->setHtml(html);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeNoticeButton"));
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(640, 560);
    dialog->show();
}

void PrivacySettingsSection::showHistory()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("consentHistoryDialog"));
    dialog->setWindowTitle(tr("History of my choices"));
    dialog->setAccessibleName(dialog->windowTitle());
    auto *status = new QLabel(tr("Loading…"), dialog);
    status->setObjectName(QStringLiteral("consentHistoryStatus"));
    status->setWordWrap(true);
    auto *list = new QListWidget(dialog);
    list->setObjectName(QStringLiteral("consentHistoryList"));
    list->setAccessibleName(tr("Recorded choices"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeHistoryButton"));
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(status);
    layout->addWidget(list, 1);
    layout->addWidget(buttons);
    dialog->resize(680, 440);
    dialog->show();

    const core::PrivacyNotice notice = m_consent->notice();
    m_consent->fetchHistory(
        dialog, [this, dialog, list, status, notice](const QList<QJsonObject> &receipts, const core::ApiError &error) {
            m_consent->fetchReceiptKey(
                dialog, [list, status, receipts, error, notice](const QByteArray &key, const core::ApiError &keyError) {
                    int verified = 0;
                    for (const QJsonObject &receipt : receipts) {
                        const QJsonObject event = receipt.value(QLatin1String("event")).toObject();
                        const bool ok = !keyError && core::ConsentManager::verifyReceipt(receipt, key);
                        verified += ok ? 1 : 0;
                        const QDateTime at
                            = QDateTime::fromString(event.value(QLatin1String("created_at")).toString(), Qt::ISODate);
                        const QString state
                            = event.value(QLatin1String("state")).toString() == u"granted" ? tr("on") : tr("off");
                        list->addItem(tr("%1 · %2: %3 (%4, notice %5) · %6")
                                          .arg(QLocale().toString(at.toLocalTime(), QLocale::ShortFormat),
                                               purposeTitle(notice, event.value(QLatin1String("purpose")).toString()),
                                               state, methodText(event.value(QLatin1String("method")).toString()),
                                               event.value(QLatin1String("notice_version")).toString(),
                                               ok ? tr("receipt verified") : tr("receipt NOT verified")));
                    }
                    if (error)
                        status->setText(
                            tr("The server could not be reached; these are the receipts kept on this computer. "
                               "%1 of %2 verified.")
                                .arg(verified)
                                .arg(receipts.size()));
                    else
                        status->setText(tr("%1 recorded choices; %2 receipts verified with the server's signing key.")
                                            .arg(receipts.size())
                                            .arg(verified));
                });
        });
}

} // namespace pygmi::ui
