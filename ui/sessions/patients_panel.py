"""Patients: search (names, references, and full text of transcripts and notes), add,
rename (edit the name in place), archive and restore. GUI thread; store calls only."""

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.usecases.errors import StoreError
from app.usecases.patients import add_patient, find_patients, rename_patient, set_patient_archived
from ui.shortcut_tips import tip_with_key

PATIENT_ID = Qt.ItemDataRole.UserRole


class PatientsPanel(QWidget):
    patient_selected = Signal(int)  # patient id; -1 when none
    message = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search patients, transcripts, notes…")
        self.search.setAccessibleName("Search patients")
        self.search.setClearButtonEnabled(True)
        self.archived = QCheckBox("Sh&ow archived")
        self.list = QListWidget()
        self.list.setAccessibleName("Patients")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("New patient's name")
        self.new_name.setAccessibleName("New patient's name")
        self.add_button = QPushButton("&Add patient")
        self.archive_button = QPushButton("Ar&chive")
        self.archive_button.setEnabled(False)
        self.list.setEditTriggers(
            QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        title = QLabel("<b>Patients</b>")
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.archived)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_name, 1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        layout.addWidget(self.archive_button)
        layout.addWidget(QLabel("<small>Double-click a name (or F2) to rename.</small>"))

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.archived.toggled.connect(self.reload)
        self.add_button.clicked.connect(self.add_patient)
        self.new_name.returnPressed.connect(self.add_patient)
        self.archive_button.clicked.connect(self.toggle_archived)
        self.list.currentItemChanged.connect(self._selected)
        self.list.itemChanged.connect(self._renamed)
        self._filling = False
        self._shown = -1
        self._rename_select: int | None = None
        self.reload()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(PATIENT_ID)) if item is not None else None

    @Slot()
    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_id()
        patients = find_patients(
            self.context.db, self.search.text(), include_archived=self.archived.isChecked()
        )
        self._filling = True
        self.list.clear()
        for patient in patients:
            label = patient.display_name + (" (archived)" if patient.archived else "")
            item = QListWidgetItem(label)
            item.setData(PATIENT_ID, patient.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, patient.archived)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
            if patient.id == keep:
                self.list.setCurrentItem(item)
        self._filling = False
        self._selected(self.list.currentItem() if self.list.currentRow() >= 0 else None, None)

    def select(self, patient_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(PATIENT_ID) == patient_id:
                self.list.setCurrentRow(row)
                return

    @Slot()
    def add_patient(self) -> None:
        try:
            patient = add_patient(self.context.db, self.new_name.text())
        except StoreError as exc:
            self.message.emit(str(exc))
            return
        self.new_name.clear()
        self.search.clear()
        self.reload(select=patient.id)
        self.message.emit("Patient added.")

    @Slot()
    def toggle_archived(self) -> None:
        if self.list.currentRow() < 0:
            return
        item = self.list.currentItem()
        archived = bool(item.data(Qt.ItemDataRole.UserRole + 1))
        patient_id = int(item.data(PATIENT_ID))
        try:
            set_patient_archived(self.context.db, patient_id, not archived)
        except StoreError as exc:
            self.message.emit(str(exc))
            return
        self.message.emit("Patient restored." if archived else "Patient archived (not deleted).")
        self.reload(select=None if not archived else int(item.data(PATIENT_ID)))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if self._filling:
            return
        self.archive_button.setEnabled(item is not None)
        if item is not None:
            archived = bool(item.data(Qt.ItemDataRole.UserRole + 1))
            self.archive_button.setText("Restore from ar&chive" if archived else "Ar&chive")
            self.archive_button.setToolTip(tip_with_key(self.archive_button))
        patient_id = int(item.data(PATIENT_ID)) if item is not None else -1
        if patient_id != self._shown:  # a search that keeps the patient changes nothing
            self._shown = patient_id
            self.patient_selected.emit(patient_id)

    @Slot()
    def _reload_after_rename(self) -> None:
        self.reload(select=self._rename_select)

    @Slot(QListWidgetItem)
    def _renamed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        patient_id = int(item.data(PATIENT_ID))
        try:
            rename_patient(self.context.db, patient_id, item.text().removesuffix(" (archived)"))
            self.message.emit("Patient renamed.")
        except StoreError as exc:
            self.message.emit(str(exc))
        # Not from inside the item's own signal: the reload deletes the item.
        self._rename_select = patient_id
        QTimer.singleShot(0, self, self._reload_after_rename)
