#include "create/HistoryDialog.h"

#include "common/MessageBox.h"
#include "generation/PromptHistory.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

HistoryDialog::HistoryDialog(core::PromptHistory *history, QWidget *parent)
    : QDialog(parent)
    , m_history(history)
    , m_search(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_clear(new QPushButton(tr("Clear history…"), this))
{
    setObjectName(QStringLiteral("historyDialog"));
    setWindowTitle(tr("Prompt history"));
    setAccessibleName(windowTitle());
    resize(560, 480);
    m_search->setObjectName(QStringLiteral("historySearchEdit"));
    m_search->setAccessibleName(tr("Search prompts"));
    m_search->setPlaceholderText(tr("Search your prompts"));
    m_search->setClearButtonEnabled(true);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setAccessibleName(tr("Earlier prompts"));
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    m_clear->setObjectName(QStringLiteral("clearHistoryButton"));
    m_clear->setAccessibleName(tr("Clear the prompt history"));
    auto *note
        = new QLabel(tr("Kept only on this computer. Click a prompt to use it again with all its settings."), this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    close->setObjectName(QStringLiteral("historyButtons"));
    close->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("historyCloseButton"));
    close->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_clear);
    bottom->addStretch(1);
    bottom->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(note);
    layout->addWidget(m_list, 1);
    layout->addLayout(bottom);

    connect(m_search, &QLineEdit::textChanged, this, &HistoryDialog::refill);
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { restoreRow(m_list->row(item)); });
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) { restoreRow(m_list->row(item)); });
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        if (MessageBox::question(this, tr("Clear history"),
                                 tr("Remove every prompt from the history on this computer?"),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes)
            m_history->clear();
    });
    connect(m_history, &core::PromptHistory::changed, this, &HistoryDialog::refill);
    refill();
}

void HistoryDialog::setSearchText(const QString &text)
{
    m_search->setText(text);
}

int HistoryDialog::resultCount() const
{
    return m_list->count();
}

void HistoryDialog::refill()
{
    m_list->clear();
    m_shown.clear();
    const auto entries = m_history->search(m_search->text(), 200);
    for (const auto &entry : entries) {
        const auto &r = entry.request;
        const QString kind = r.isVideo() ? tr("Video %1×%2, %3 s").arg(r.width).arg(r.height).arg(r.durationS)
            : r.count == 1               ? tr("1 image %1×%2").arg(r.width).arg(r.height)
                                         : tr("%3 images %1×%2").arg(r.width).arg(r.height).arg(r.count);
        auto *item = new QListWidgetItem(
            tr("%1\n%2 · %3")
                .arg(r.prompt, kind, QLocale().toString(entry.createdAt.toLocalTime(), QLocale::ShortFormat)),
            m_list);
        item->setData(Qt::AccessibleTextRole, r.prompt);
        m_shown.append(r);
    }
}

void HistoryDialog::restoreRow(int row)
{
    if (row < 0 || row >= m_shown.size())
        return;
    Q_EMIT restoreRequested(m_shown.at(row));
    accept();
}

} // namespace pygmi::ui
