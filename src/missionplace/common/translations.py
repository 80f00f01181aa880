"""An item's translations: finding them, linking them, and creating an item in every language at once."""

from Acquisition import aq_base
from missionplace.common.languages import current_language
from missionplace.common.languages import DEFAULT_LANGUAGE
from plone import api
from plone.app.multilingual.dx import cloner
from plone.app.multilingual.interfaces import ITranslationManager
from plone.dexterity.utils import createContentInContainer
from z3c.relationfield.interfaces import IRelationValue


def translations(obj, restricted=False):
    """``obj`` and its translations (just ``obj`` when it is not translatable).

    ``restricted``: only the translations the current user may see.
    """
    try:
        manager = ITranslationManager(obj)
    except TypeError:  # not translatable
        return [obj]
    found = manager.get_restricted_translations() if restricted else manager.get_translations()
    return list((found or {}).values()) or [obj]


def translation_uids(obj):
    """The UIDs of ``obj`` and the translations the user may see: language-independent references may hold any."""
    return sorted({api.content.get_uuid(item) for item in [obj, *translations(obj, restricted=True)]})


def in_language(obj, language=None):
    """The translation of ``obj`` in ``language`` (default: the user's) the user may see, else ``obj``."""
    language = language or current_language()
    if obj is None or getattr(aq_base(obj), "Language", None) is None:
        return obj
    try:
        found = ITranslationManager(obj).get_restricted_translation(language)
    except TypeError:
        found = None
    return found or obj


def link_translations(objects, canonical=DEFAULT_LANGUAGE):
    """Link ``objects`` ({language: item}) as translations of the ``canonical`` language's item."""
    manager = ITranslationManager(objects[canonical])
    for language, obj in objects.items():
        if language != canonical and not manager.has_translation(language):
            manager.register_translation(language, obj)


def free_id(container, wanted):
    """``wanted``, or ``wanted-2``, ``wanted-3``... whichever ``container`` does not hold yet."""
    candidate, number = wanted, 1
    while candidate in container.objectIds():
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def create_in_languages(containers, portal_type, item_id, fields, reuse=False):
    """Create ``portal_type`` in each of ``containers`` ({language: folder}), linked as translations.

    ``fields(language)`` gives the field values of each language's item.  The
    type's add permission and the container's allowed types are checked
    (createContentInContainer: api.content.create renames a temporary id,
    which needs more rights).  ``reuse``: an item already under ``item_id`` is
    kept, so that running again changes nothing; otherwise the next free id is
    taken.  Returns {language: item}.
    """
    created = {}
    for language, container in containers.items():
        if reuse and item_id in container.objectIds():
            created[language] = container[item_id]
            continue
        wanted = item_id if reuse else free_id(container, item_id)
        obj = createContentInContainer(container, portal_type, checkConstraints=True, id=wanted, **fields(language))
        obj.setLanguage(language)
        created[language] = obj
    link_translations(created)
    for obj in created.values():
        # Listings show each record once, by the translation group linking gave it.
        obj.reindexObject()
    return created


class LanguageIndependentFieldsManager(cloner.LanguageIndependentFieldsManager):
    """plone.app.multilingual's copier of language-independent fields, but a relation whose target is
    gone leaves the translations' own alone (overrides.zcml).

    A relation is copied to each translation as one to the target's translation in its language.
    When the target is deleted in one language, z3c.relationfield tells its sources they changed,
    and plone.app.multilingual copied their broken relation to every translation as None: the
    French candidatures lost the French election, which still exists.
    """

    def copy_fields(self, translation):
        self.translation = translation
        return super().copy_fields(translation)

    def copy_relation(self, relation_value, target_language):
        if relation_value is not None and relation_value.isBroken():
            own = getattr(aq_base(self.translation), relation_value.from_attribute or "", None)
            if IRelationValue.providedBy(own):  # a RelationChoice (in a RelationList the broken one is dropped)
                return own
        return super().copy_relation(relation_value, target_language)
