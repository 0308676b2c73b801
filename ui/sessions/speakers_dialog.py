"""Who spoke, set right in one action: one name per speaker label of the transcript,
and a Swap button for the usual mistake (the recogniser took the client for the
clinician). OK applies every change as one relabelling; the lines keep their words and
times."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class SpeakersDialog(QDialog):
    def __init__(self, labels: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("speakersDialog")
        self.setWindowTitle("Speakers")
        self.labels = labels
        self.names = [QLineEdit(label) for label in labels]
        form = QFormLayout()
        for label, edit in zip(labels, self.names, strict=True):
            edit.setAccessibleName(f"New name for {label}")
            form.addRow(f"{label}:", edit)
        self.swap_button = QPushButton("&Swap the two")
        self.swap_button.setToolTip("Alt+S: each speaker takes the other's name")
        self.swap_button.setEnabled(len(labels) == 2)
        self.swap_button.clicked.connect(self.swap)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Rename the speakers; every line of theirs changes at once."))
        layout.addLayout(form)
        layout.addWidget(self.swap_button)
        layout.addWidget(buttons)

    def swap(self) -> None:
        first, second = self.names
        text = first.text()
        first.setText(second.text())
        second.setText(text)

    def renaming(self) -> dict[str, str]:
        """Each label whose name was changed, with its new name."""
        return {
            label: edit.text().strip()
            for label, edit in zip(self.labels, self.names, strict=True)
            if edit.text().strip() != label
        }
