"""easyform's Saved data tab: its CSV download works without a delimiter in the request.

collective.easyform falls back to the registry's delimiter *encoded to
bytes*, which the csv module refuses: "Download" without a ``csv_delimiter``
field (a client that does not send it, or a format switched to CSV) ended in
a 500.  Here the fallback is the registry's delimiter as text (the site's
default when the registry has none).
"""

from collective.easyform.browser.actions import SavedDataForm
from collective.easyform.browser.actions import SavedDataFormWrapper
from plone import api
from plone.z3cform import layout


def default_delimiter():
    value = api.portal.get_registry_record("easyform.csv_delimiter", default=",") or ","
    return value.decode("utf-8") if isinstance(value, bytes) else value


class TextDelimiterSavedDataForm(SavedDataForm):
    @property
    def csv_delimiter(self):
        value = self.request.form.get("csv_delimiter")
        return value if isinstance(value, str) else default_delimiter()


class TextDelimiterWrapper(SavedDataFormWrapper):
    def __call__(self):
        form = self.request.form
        if "form.buttons.download" in form and not isinstance(form.get("csv_delimiter"), str):
            form["csv_delimiter"] = default_delimiter()
        return super().__call__()


SavedDataView = layout.wrap_form(TextDelimiterSavedDataForm, __wrapper_class=TextDelimiterWrapper)
