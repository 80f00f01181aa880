from missionplace.candiweb.candidature import request_withdrawal
from missionplace.candiweb.records import RecordError
from missionplace.common.rest import MissionPlaceService


class RequestWithdrawalPost(MissionPlaceService):
    """The owning mission's editors ask for a withdrawal (the check is in candidature.request_withdrawal)."""

    def reply(self):
        self.writing()
        try:
            request_withdrawal(self.context)
        except RecordError as error:
            return self.error(403, "Forbidden", error.args[0])
        return {"withdrawal_requested": True}
