#include "privacy/ConsentDialog.h"

#include <QCheckBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    return label;
}

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

ConsentDialog::ConsentDialog(const core::PrivacyNotice &notice, const QStringList &purposes, bool firstRun,
                             QWidget *parent)
    : QDialog(parent)
    , m_purposes(purposes)
{
    setObjectName(QStringLiteral("consentDialog"));
    setWindowTitle(firstRun ? tr("Your privacy choices") : tr("Please confirm your privacy choices"));
    setAccessibleName(windowTitle());
    setMinimumWidth(560);

    auto *content = new QWidget(this);
    auto *body = new QVBoxLayout(content);
    body->setSpacing(10);
    auto *title = new QLabel(windowTitle(), content);
    title->setObjectName(QStringLiteral("consentTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    title->setFont(titleFont);
    body->addWidget(title);
    QLabel *intro = wrapped(
        firstRun ? tr("Pygmi asks before it does anything optional with your information. Everything optional "
                      "starts switched off. You can change these choices at any time under Settings, Privacy "
                      "& consent.")
                 : tr("Something changed since you last chose (the privacy notice, or it has been a while), "
                      "so please answer again for the choices below. Until you do, they count as refused."),
        content);
    intro->setObjectName(QStringLiteral("consentIntro"));
    body->addWidget(intro);
    if (!firstRun) {
        QStringList changes;
        for (const core::PrivacyNotice::Change &change : notice.summaryOfChanges) {
            if (change.purpose.isEmpty() || purposes.contains(change.purpose))
                changes << QStringLiteral("• ") + change.change;
        }
        if (!changes.isEmpty()) {
            QLabel *what = wrapped(tr("What changed:\n%1").arg(changes.join(u'\n')), content);
            what->setObjectName(QStringLiteral("consentChanges"));
            body->addWidget(what);
        }
    }

    const auto addPurpose = [&](const QString &id, QVBoxLayout *into) {
        const core::PrivacyNotice::PurposeText text = notice.purpose(id);
        auto *box = new QCheckBox(text.title.isEmpty() ? id : text.title, content);
        box->setObjectName(QStringLiteral("purpose_") + id);
        box->setAccessibleName(box->text());
        box->setAccessibleDescription(text.description);
        QFont font = box->font();
        font.setBold(true);
        box->setFont(font);
        QLabel *description = wrapped(text.description, content);
        description->setObjectName(QStringLiteral("purposeDescription_") + id);
        description->setContentsMargins(24, 0, 0, 6);
        into->addWidget(box);
        into->addWidget(description);
        return box;
    };

    if (firstRun) {
        auto *necessaryLayout = new QVBoxLayout;
        QCheckBox *necessary = addPurpose(QStringLiteral("necessary"), necessaryLayout);
        necessary->setChecked(true);
        necessary->setEnabled(false); // shown on and locked: not a consent, and it cannot be refused
        necessary->setText(tr("%1 (always on)").arg(necessary->text()));
        body->addLayout(necessaryLayout);
    }

    const QStringList measuring { QStringLiteral("analytics"), QStringLiteral("advertising") };
    const QStringList separate { QStringLiteral("model_training"), QStringLiteral("marketing_email") };
    auto *measuringLayout = new QVBoxLayout;
    auto *separateLayout = new QVBoxLayout;
    // Always in the same order, whatever order the question came in.
    for (const QString &id : measuring + separate) {
        if (purposes.contains(id))
            m_boxes.insert(id, addPurpose(id, measuring.contains(id) ? measuringLayout : separateLayout));
    }
    if (!measuringLayout->isEmpty()) {
        body->addWidget(heading(tr("Measuring and advertising"), content));
        body->addLayout(measuringLayout);
    } else {
        delete measuringLayout;
    }
    if (!separateLayout->isEmpty()) {
        auto *line = new QFrame(content);
        line->setFrameShape(QFrame::HLine);
        body->addWidget(line);
        body->addWidget(heading(tr("Your content and email"), content));
        body->addLayout(separateLayout);
    } else {
        delete separateLayout;
    }
    for (QCheckBox *box : std::as_const(m_boxes))
        box->setChecked(false); // nothing optional is pre-selected
    if (!notice.version.isEmpty()) {
        QLabel *version = wrapped(tr("Based on the privacy notice version %1.").arg(notice.version), content);
        version->setObjectName(QStringLiteral("consentNoticeVersion"));
        version->setForegroundRole(QPalette::PlaceholderText);
        body->addWidget(version);
    }
    body->addStretch(1);

    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("consentScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    // Same class, same size, same style, none of them default: refusing is as easy as accepting.
    auto *acceptAll = new QPushButton(tr("Accept all"), this);
    acceptAll->setObjectName(QStringLiteral("acceptAllButton"));
    auto *rejectAll = new QPushButton(tr("Reject all"), this);
    rejectAll->setObjectName(QStringLiteral("rejectAllButton"));
    auto *save = new QPushButton(tr("Save my choices"), this);
    save->setObjectName(QStringLiteral("saveChoicesButton"));
    const QList<QPushButton *> buttons { rejectAll, acceptAll, save };
    int width = 0;
    int height = 0;
    for (QPushButton *button : buttons) {
        button->setAutoDefault(false);
        button->setDefault(false);
        button->setAccessibleName(button->text());
        width = qMax(width, button->sizeHint().width());
        height = qMax(height, button->sizeHint().height());
    }
    auto *row = new QHBoxLayout;
    row->setSpacing(8);
    for (QPushButton *button : buttons) {
        button->setFixedSize(width + 24, height);
        row->addWidget(button);
    }
    row->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 1);
    layout->addLayout(row);
    resize(640, firstRun ? 700 : 420);

    connect(acceptAll, &QPushButton::clicked, this, [this] {
        for (QCheckBox *box : std::as_const(m_boxes))
            box->setChecked(true);
        finish(QStringLiteral("accept_all"));
    });
    connect(rejectAll, &QPushButton::clicked, this, [this] {
        for (QCheckBox *box : std::as_const(m_boxes))
            box->setChecked(false);
        finish(QStringLiteral("reject_all"));
    });
    connect(save, &QPushButton::clicked, this, [this] { finish(QStringLiteral("save_choices")); });
}

void ConsentDialog::finish(const QString &method)
{
    if (!m_answered) {
        m_answered = true;
        QMap<QString, bool> choices;
        for (auto it = m_boxes.constBegin(); it != m_boxes.constEnd(); ++it)
            choices.insert(it.key(), method == u"dismiss" ? false : it.value()->isChecked());
        Q_EMIT answered(choices, method);
    }
    QDialog::done(method == u"dismiss" ? QDialog::Rejected : QDialog::Accepted);
}

void ConsentDialog::done(int result)
{
    // Escape, the window's close button, or the parent closing: a refusal, never silence.
    if (!m_answered && result == QDialog::Rejected) {
        finish(QStringLiteral("dismiss"));
        return;
    }
    QDialog::done(result);
}

} // namespace pygmi::ui
