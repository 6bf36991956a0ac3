from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email_digest = forms.BooleanField(
        label=_("Kirim ringkasan mingguan lewat email"),
        required=False,
        help_text=_(
            "Untuk supervisor dan admin: jumlah pengaduan lewat tenggat, koreksi data dan "
            "usulan yang menunggu, dengan tautan. Tanpa nama atau NIK."
        ),
    )
