from fastapi import APIRouter, Depends

from recess.accounts.auth import api_key_only
from recess.accounts.store import Caller

router = APIRouter(tags=["Authentication"])


@router.get("/api/v1/validate")
def validate(_: Caller = Depends(api_key_only)) -> dict[str, bool]:
    """Check that the DD-API-KEY is valid."""
    return {"valid": True}
