#include "create/ReferenceLibraryDialog.h"

#include "common/MessageBox.h"
#include "create/ReferenceTile.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace pygmi::ui {

ReferenceLibraryDialog::ReferenceLibraryDialog(core::ReferenceLibrary *library, QWidget *parent)
    : QDialog(parent)
    , m_library(library)
    , m_list(new QListWidget(this))
    , m_summary(new QLabel(this))
    , m_use(new QPushButton(tr("Use in this request"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
{
    setObjectName(QStringLiteral("referenceLibraryDialog"));
    setWindowTitle(tr("Reference library"));
    setAccessibleName(tr("Reference library"));
    resize(520, 480);
    m_list->setObjectName(QStringLiteral("referenceLibraryList"));
    m_list->setAccessibleName(tr("Uploaded references"));
    m_list->setIconSize(QSize(64, 64));
    m_list->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("referenceLibrarySummary"));
    m_summary->setWordWrap(true);
    m_use->setObjectName(QStringLiteral("referenceLibraryUse"));
    m_use->setAccessibleName(tr("Use the selected reference in this request"));
    m_delete->setObjectName(QStringLiteral("referenceLibraryDelete"));
    m_delete->setAccessibleName(tr("Delete the selected reference from the server"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_use, QDialogButtonBox::ActionRole);
    buttons->addButton(m_delete, QDialogButtonBox::DestructiveRole);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("referenceLibraryClose"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemSelectionChanged, this, &ReferenceLibraryDialog::updateButtons);
    connect(m_use, &QPushButton::clicked, this, [this] {
        if (const auto reference = selected())
            emit useRequested(*reference);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const auto reference = selected();
        if (!reference)
            return;
        if (MessageBox::question(this, tr("Delete reference"),
                                 tr("Delete “%1” from the server now? Results already made with it keep a note that "
                                    "it was used.")
                                     .arg(reference->name),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
        m_delete->setEnabled(false);
        m_library->remove(reference->id, this, [this](const core::ApiError &error) {
            if (error)
                m_summary->setText(tr("The reference could not be deleted: %1").arg(error.userMessage()));
            updateButtons();
        });
    });
    connect(m_library, &core::ReferenceLibrary::changed, this, &ReferenceLibraryDialog::fill);
    connect(m_library, &core::ReferenceLibrary::failed, this, [this](const core::ApiError &error) {
        m_summary->setText(tr("The library could not be loaded: %1").arg(error.userMessage()));
    });
    m_summary->setText(tr("Loading…"));
    m_library->refresh();
    updateButtons();
}

QString ReferenceLibraryDialog::describe(const core::ReferenceInfo &reference)
{
    const QLocale locale;
    QString text = tr("%1\n%2 · %3 × %4 · uploaded %5\nDeleted automatically on %6")
                       .arg(reference.name, ReferenceTile::sizeText(reference.bytes))
                       .arg(reference.width)
                       .arg(reference.height)
                       .arg(locale.toString(reference.createdAt.toLocalTime(), QLocale::ShortFormat),
                            locale.toString(reference.expiresAt.toLocalTime().date(), QLocale::LongFormat));
    return text;
}

void ReferenceLibraryDialog::fill()
{
    const QString current = selected() ? selected()->id : QString();
    m_list->clear();
    for (const core::ReferenceInfo &reference : m_library->items()) {
        auto *item = new QListWidgetItem(describe(reference), m_list);
        item->setData(Qt::UserRole, reference.id);
        m_library->thumbnail(reference.id, this,
                             [this, id = reference.id](const QByteArray &bytes, const core::ApiError &) {
                                 QPixmap pixmap;
                                 if (!pixmap.loadFromData(bytes))
                                     return;
                                 for (int row = 0; row < m_list->count(); ++row) {
                                     if (m_list->item(row)->data(Qt::UserRole).toString() == id)
                                         m_list->item(row)->setIcon(QIcon(pixmap));
                                 }
                             });
        if (reference.id == current)
            item->setSelected(true);
    }
    if (m_library->items().isEmpty())
        m_summary->setText(tr("No references yet. Files you add to a request appear here after upload."));
    else
        m_summary->setText(tr("%n reference(s) · %1 of %2 used", nullptr, int(m_library->items().size()))
                               .arg(ReferenceTile::sizeText(m_library->usedBytes()),
                                    ReferenceTile::sizeText(m_library->limitBytes())));
    updateButtons();
}

std::optional<core::ReferenceInfo> ReferenceLibraryDialog::selected() const
{
    const auto items = m_list->selectedItems();
    if (items.isEmpty())
        return std::nullopt;
    const QString id = items.first()->data(Qt::UserRole).toString();
    for (const core::ReferenceInfo &reference : m_library->items()) {
        if (reference.id == id)
            return reference;
    }
    return std::nullopt;
}

void ReferenceLibraryDialog::updateButtons()
{
    const bool any = selected().has_value();
    m_use->setEnabled(any);
    m_delete->setEnabled(any);
}

} // namespace pygmi::ui
